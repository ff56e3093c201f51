// createIndexes, listIndexes, dropIndexes.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../../query/bson-types.js';
import { valuesEqual } from '../../query/compare.js';
import { checkNotView, isView } from '../../query/views.js';
import { checkSingleTextIndex, isTextKeyPattern, normalizeTextIndexSpec } from '../../query/text/text-index.js';
import type { CollectionStore, IndexSpec } from '../../storage/storage.js';
import { validateTtlIndexSpec } from '../../storage/ttl-monitor.js';
import { copyDocument } from '../../storage/values.js';
import type { CommandHandler } from '../../types.js';
import { collectionName, cursorOptions, missingField, requiredArray, wrongType } from './common.js';

const INDEX_OPTIONS = [
  'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation', 'hidden', 'weights',
  'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max',
  'wildcardProjection', 'storageEngine', 'bucketSize',
];

export function defaultIndexName(key: Document): string {
  return Object.entries(key).map(([field, dir]) => `${field}_${typeof dir === 'string' ? dir : String(toNumber(dir))}`).join('_');
}

function normalizeSpec(raw: unknown, index: number): IndexSpec {
  if (!isPlainDocument(raw)) throw wrongType('createIndexes', `indexes.${index}`, raw, 'object');
  const key = raw.key;
  if (!isPlainDocument(key)) throw new CommandError(ErrorCodes.FailedToParse, "The 'key' field is a required property of an index specification");
  if (Object.keys(key).length === 0) throw new CommandError(ErrorCodes.CannotCreateIndex, 'Index keys cannot be empty.');
  const name = raw.name === undefined ? defaultIndexName(key) : raw.name;
  if (typeof name !== 'string' || name === '') throw new CommandError(ErrorCodes.CannotCreateIndex, "The 'name' field is a required property of an index specification");
  const spec: IndexSpec = { v: 2, key: copyDocument(key), name };
  for (const option of INDEX_OPTIONS) {
    if (raw[option] !== undefined) spec[option] = copyDocument({ v: raw[option] }).v;
  }
  for (const field of Object.keys(raw)) {
    if (!['key', 'name', 'v', 'ns', 'background', ...INDEX_OPTIONS].includes(field)) {
      throw new CommandError(ErrorCodes.InvalidIndexSpecificationOption, `The field '${field}' is not valid for an index specification. Specification: ${JSON.stringify(raw)}`);
    }
  }
  validateTtlIndexSpec(spec);
  if (isTextKeyPattern(spec.key)) return normalizeTextIndexSpec(spec) as IndexSpec;
  if (Object.values(spec.key).includes('2dsphere')) spec['2dsphereIndexVersion'] ??= 3;
  if (spec.name === '_id_' || valuesEqual(spec.key, { _id: 1 })) {
    if (spec.unique === false || spec.sparse === true) throw new CommandError(ErrorCodes.InvalidIndexSpecificationOption, "The field 'unique' is not valid for an _id index specification");
  }
  return spec;
}

function optionsOf(spec: Document): Document {
  const { v: _v, key: _k, name: _n, ...rest } = spec;
  return rest;
}

function describe(spec: Document): string {
  return JSON.stringify(spec);
}

/** Whether the spec is already present (true) or new (false); throws on conflicts. */
function alreadyExists(collection: CollectionStore, spec: IndexSpec): boolean {
  const isId = valuesEqual(spec.key, { _id: 1 });
  for (const existing of collection.indexes()) {
    const sameName = existing.name === spec.name;
    const sameKey = valuesEqual(existing.key, spec.key);
    const sameOptions = isId && existing.name === '_id_' ? true : valuesEqual(optionsOf(existing), optionsOf(spec));
    if (sameName && sameKey && sameOptions) return true;
    if (sameName && !sameKey) {
      throw new CommandError(ErrorCodes.IndexKeySpecsConflict, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${describe(spec)}, existing index: ${describe(existing)}`);
    }
    if (sameName) throw new CommandError(ErrorCodes.IndexOptionsConflict, `An equivalent index already exists with the same name but different options. Requested index: ${describe(spec)}, existing index: ${describe(existing)}`);
    if (sameKey && sameOptions) throw new CommandError(ErrorCodes.IndexOptionsConflict, `Index already exists with a different name: ${existing.name}`);
    if (sameKey && !valuesEqual(existing.collation ?? null, spec.collation ?? null)) continue;
    if (sameKey) throw new CommandError(ErrorCodes.IndexOptionsConflict, `An equivalent index already exists with a different name and options. Requested index: ${describe(spec)}, existing index: ${describe(existing)}`);
  }
  return false;
}

export const createIndexesHandler: CommandHandler = {
  name: 'createIndexes',
  run(command, context) {
    const coll = collectionName(command, 'createIndexes');
    const raw = requiredArray(command, 'createIndexes', 'indexes');
    if (raw.length === 0) throw new CommandError(ErrorCodes.BadValue, 'Must specify at least one index to create');
    const specs = raw.map(normalizeSpec);
    // mongod: createIndexesOnNewCollection (src/mongo/db/commands/create_indexes_cmd.cpp).
    if (isView(context.server.storage.collection(context.dbName, coll))) {
      throw new CommandError(ErrorCodes.CommandNotSupportedOnView, 'Cannot create indexes on a view');
    }
    const { collection, created } = context.server.storage.ensureCollection(context.dbName, coll);
    const numIndexesBefore = collection.indexes().length;
    const fresh = specs.filter((spec) => !alreadyExists(collection, spec));
    fresh.forEach((spec, i) => checkSingleTextIndex([...collection.indexes(), ...fresh.slice(0, i)], spec));
    for (const spec of fresh) collection.addIndex(spec);
    const reply: Document = { numIndexesBefore, numIndexesAfter: collection.indexes().length };
    if (fresh.length === 0) reply.note = 'all indexes already exist';
    return { createdCollectionAutomatically: created, ...reply, ok: 1 };
  },
};

export const listIndexesHandler: CommandHandler = {
  name: 'listIndexes',
  run(command, context) {
    const coll = collectionName(command, 'listIndexes');
    const collection = context.server.storage.collection(context.dbName, coll);
    if (!collection) throw new CommandError(ErrorCodes.NamespaceNotFound, `ns does not exist: ${context.dbName}.${coll}`);
    checkNotView(context.server.storage, context.dbName, coll);
    const batchSize = (command.cursor as Document | undefined)?.batchSize;
    const cursor = context.server.cursors.open(collection.indexes(), {
      ...cursorOptions(command, context, `${context.dbName}.${coll}`),
      ...(typeof batchSize === 'number' ? { batchSize } : {}),
    });
    return { cursor, ok: 1 };
  },
};

function dropOne(collection: CollectionStore, target: unknown): void {
  if (typeof target === 'string') {
    if (target === '_id_') throw new CommandError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (!collection.removeIndex(target)) throw new CommandError(ErrorCodes.IndexNotFound, `index not found with name [${target}]`);
    return;
  }
  if (isPlainDocument(target)) {
    const found = collection.indexes().filter((ix) => valuesEqual(ix.key, target));
    if (found.length === 0) throw new CommandError(ErrorCodes.IndexNotFound, `can't find index with key: ${JSON.stringify(target)}`);
    if (found.length > 1) throw new CommandError(ErrorCodes.AmbiguousIndexKeyPattern, `${found.length} indexes found for key: ${JSON.stringify(target)}, identify by name instead. Conflicting indexes: ${found.map((f) => JSON.stringify(f)).join(', ')}`);
    const [ix] = found;
    if (ix?.name === '_id_') throw new CommandError(ErrorCodes.InvalidOptions, 'cannot drop _id index');
    if (ix) collection.removeIndex(ix.name);
    return;
  }
  throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'dropIndexes.index' is the wrong type '${bsonTypeOf(target)}', expected types '[string, object]'`);
}

export const dropIndexesHandler: CommandHandler = {
  name: 'dropIndexes',
  aliases: ['deleteIndexes'],
  run(command, context) {
    const name = 'dropIndexes' in command ? 'dropIndexes' : 'deleteIndexes';
    const coll = collectionName(command, name);
    const collection = context.server.storage.collection(context.dbName, coll);
    if (!collection) throw new CommandError(ErrorCodes.NamespaceNotFound, `ns not found ${context.dbName}.${coll}`);
    // mongod's drop_indexes.cpp checkView.
    if (isView(collection)) throw new CommandError(ErrorCodes.CommandNotSupportedOnView, `Cannot drop indexes on view ${context.dbName}.${coll}`);
    const nIndexesWas = collection.indexes().length;
    const target: unknown = command.index;
    if (target === undefined) throw missingField(name, 'index');
    if (target === '*') collection.removeAllIndexesButId();
    else if (Array.isArray(target)) {
      for (const t of target) if (typeof t !== 'string' || !collection.findIndex(t)) throw new CommandError(ErrorCodes.IndexNotFound, `index not found with name [${String(t)}]`);
      for (const t of target) dropOne(collection, t);
    } else dropOne(collection, target);
    return { nIndexesWas, ok: 1 };
  },
};
