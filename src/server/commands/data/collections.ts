// create, drop, dropDatabase, renameCollection, listCollections, listDatabases, collMod.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument } from '../../query/bson-types.js';
import { valuesEqual } from '../../query/compare.js';
import { compileFilter } from '../../query/matcher.js';
import { checkNoViewOptions, isView, modifyView } from '../../query/views.js';
import type { CollectionStore } from '../../storage/storage.js';
import { copyDocument } from '../../storage/values.js';
import type { CommandHandler } from '../../types.js';
import { collectionName, cursorOptions, optionalDocument, truthy } from './common.js';

const CREATE_OPTION_FIELDS = [
  'capped', 'size', 'max', 'validator', 'validationLevel', 'validationAction', 'viewOn', 'pipeline', 'collation',
  'timeseries', 'expireAfterSeconds', 'clusteredIndex', 'changeStreamPreAndPostImages', 'storageEngine', 'indexOptionDefaults',
  'encryptedFields',
];

/** clusteredIndex as mongod stores and lists it: { v: 2, key, name, unique }. */
function clusteredIndexOption(raw: Document): Document {
  if (!isPlainDocument(raw.key) || !valuesEqual(raw.key, { _id: 1 })) {
    throw new CommandError(ErrorCodes.InvalidOptions, "The clusteredIndex option requires the key pattern { _id: 1 }");
  }
  if (raw.unique !== true) throw new CommandError(ErrorCodes.InvalidOptions, "The clusteredIndex option requires 'unique: true'");
  return { v: 2, key: raw.key, name: typeof raw.name === 'string' ? raw.name : '_id_', unique: true };
}

/** changeStreamPreAndPostImages must be { enabled: <bool> } (mongod's IDL check). */
function checkPreAndPostImagesOption(value: unknown, commandName: string): void {
  const field = `${commandName}.changeStreamPreAndPostImages`;
  if (!isPlainDocument(value)) throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${field}' is the wrong type, expected type 'object'`);
  if (value.enabled === undefined) throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${field}.enabled' is missing but a required field`);
  if (typeof value.enabled !== 'boolean') throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${field}.enabled' is the wrong type, expected type 'bool'`);
  const extra = Object.keys(value).find((key) => key !== 'enabled');
  if (extra !== undefined) throw new CommandError(ErrorCodes.IDLUnknownField, `BSON field '${field}.${extra}' is an unknown field.`);
}

export const createHandler: CommandHandler = {
  name: 'create',
  run(command, context) {
    const coll = collectionName(command, 'create');
    const options: Document = {};
    for (const field of CREATE_OPTION_FIELDS) if (command[field] !== undefined) options[field] = command[field];
    if (truthy(options.capped) && options.size === undefined) {
      throw new CommandError(ErrorCodes.InvalidOptions, 'the \'size\' field is required when \'capped\' is true');
    }
    if (isPlainDocument(options.clusteredIndex)) options.clusteredIndex = clusteredIndexOption(options.clusteredIndex);
    if (options.changeStreamPreAndPostImages !== undefined) checkPreAndPostImagesOption(options.changeStreamPreAndPostImages, 'create');
    context.server.storage.createCollection(context.dbName, coll, copyDocument(options));
    return { ok: 1 };
  },
};

export const dropHandler: CommandHandler = {
  name: 'drop',
  run(command, context) {
    const coll = collectionName(command, 'drop');
    const dropped = context.server.storage.dropCollection(context.dbName, coll);
    if (!dropped) return { ok: 1 };
    return { nIndexesWas: dropped.indexes().length, ns: dropped.ns, ok: 1 };
  },
};

export const dropDatabaseHandler: CommandHandler = {
  name: 'dropDatabase',
  run(_command, context) {
    context.server.storage.dropDatabase(context.dbName);
    return { ok: 1 };
  },
};

function splitNamespace(ns: unknown, field: string): { db: string; coll: string } {
  if (typeof ns !== 'string') throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'renameCollection.${field}' is the wrong type, expected type 'string'`);
  const dot = ns.indexOf('.');
  if (dot <= 0 || dot === ns.length - 1) throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid ${field} namespace: ${ns}`);
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
}

export const renameCollectionHandler: CommandHandler = {
  name: 'renameCollection',
  run(command, context) {
    if (context.dbName !== 'admin') throw new CommandError(ErrorCodes.Unauthorized, 'renameCollection may only be run against the admin database.');
    const from = splitNamespace(command.renameCollection, 'renameCollection');
    const to = splitNamespace(command.to, 'to');
    context.server.storage.renameCollection(from, to, truthy(command.dropTarget));
    return { ok: 1 };
  },
};

export const listCollectionsHandler: CommandHandler = {
  name: 'listCollections',
  run(command, context) {
    const filter = optionalDocument(command, 'listCollections', 'filter');
    const nameOnly = truthy(command.nameOnly);
    const db = context.server.storage.database(context.dbName);
    const entries: Document[] = [];
    for (const collection of db?.collections.values() ?? []) {
      const isView = typeof collection.options.viewOn === 'string';
      const type = isView ? 'view' : 'collection';
      entries.push(nameOnly
        ? { name: collection.name, type }
        : {
          name: collection.name,
          type,
          options: copyDocument(collection.options),
          info: { readOnly: isView, ...(isView ? {} : { uuid: collection.uuid }) },
          ...(isView || collection.options.clusteredIndex !== undefined || collection.options.timeseries !== undefined ? {} : { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } }),
        });
    }
    const test = compileFilter(filter);
    const matching = entries.filter((e) => test(e));
    const batchSize = (command.cursor as Document | undefined)?.batchSize;
    const cursor = context.server.cursors.open(matching, {
      ...cursorOptions(command, context, `${context.dbName}.$cmd.listCollections`),
      ...(typeof batchSize === 'number' ? { batchSize } : {}),
    });
    return { cursor, ok: 1 };
  },
};

export const listDatabasesHandler: CommandHandler = {
  name: 'listDatabases',
  run(command, context) {
    const filter = optionalDocument(command, 'listDatabases', 'filter');
    const nameOnly = truthy(command.nameOnly);
    const test = compileFilter(filter);
    const all = context.server.storage.summaries().filter((d) => test(d));
    if (nameOnly) return { databases: all.map((d) => ({ name: d.name })), ok: 1 };
    const totalSize = all.reduce((sum, d) => sum + Number(d.sizeOnDisk), 0);
    return { databases: all, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)), ok: 1 };
  },
};

/** collMod { index: { name | keyPattern, hidden?, expireAfterSeconds?, prepareUnique?, unique? } }. */
function modifyIndex(collection: CollectionStore, raw: unknown): Document {
  if (!isPlainDocument(raw)) throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'collMod.index' is the wrong type, expected type 'object'");
  const { name, keyPattern, ...changes } = raw;
  if ((name === undefined) === (keyPattern === undefined)) {
    throw new CommandError(ErrorCodes.InvalidOptions, 'Must specify either index name or key pattern.');
  }
  const target = typeof name === 'string' ? { name } : isPlainDocument(keyPattern) ? { keyPattern } : undefined;
  if (!target) throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'collMod.index.name' or 'keyPattern' has the wrong type");
  return collection.modifyIndex(target, changes);
}

/**
 * The modified index's options as they were, from collMod's `<option>_old` reply fields: mongod
 * logs them with the collMod (indexOptions_old) and modify events show them as
 * stateBeforeChange.indexOptions.
 */
function indexOptionsBefore(reply: Document): Document | undefined {
  const before: Document = {};
  for (const option of ['expireAfterSeconds', 'hidden', 'prepareUnique']) {
    const old: unknown = reply[`${option}_old`];
    if (old !== undefined) before[option] = old;
  }
  return Object.keys(before).length > 0 ? before : undefined;
}

export const collModHandler: CommandHandler = {
  name: 'collMod',
  run(command, context) {
    const coll = collectionName(command, 'collMod');
    const collection = context.server.storage.collection(context.dbName, coll);
    if (!collection) throw new CommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${context.dbName}.${coll}`);
    if (isView(collection)) {
      const viewOptionsBefore = copyDocument(collection.options);
      const changes = modifyView(collection, command);
      context.server.storage.changes?.modified(collection, changes, viewOptionsBefore);
      return { ok: 1 };
    }
    checkNoViewOptions(command);
    if (command.changeStreamPreAndPostImages !== undefined) checkPreAndPostImagesOption(command.changeStreamPreAndPostImages, 'collMod');
    const optionsBefore = copyDocument(collection.options);
    const description: Document = {};
    for (const [key, value] of Object.entries(command)) {
      if (key === 'collMod' || key.startsWith('$') || key === 'lsid' || key === 'writeConcern' || key === 'comment') continue;
      if (key === 'validator' || key === 'validationLevel' || key === 'validationAction' || key === 'changeStreamPreAndPostImages' || key === 'expireAfterSeconds') {
        collection.options[key] = copyDocument({ v: value }).v;
        description[key] = value;
      }
    }
    const indexReply = command.index !== undefined ? modifyIndex(collection, command.index) : undefined;
    if (command.index !== undefined) description.index = command.index;
    // Every successful collMod is an oplog entry: change streams with showExpandedEvents report it.
    context.server.storage.changes?.modified(collection, description, optionsBefore, indexReply && indexOptionsBefore(indexReply));
    return { ...indexReply, ok: 1 };
  },
};
