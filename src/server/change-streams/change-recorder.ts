// Turns storage changes into change-log entries: the observer Storage sets on
// the collections it owns, plus the collection-level changes Storage and the
// DDL commands report (create, drop, rename, dropDatabase, collMod).
import type { Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { CollectionObserver, CollectionStore, IndexSpec, WriteOptions } from '../storage/collection.js';
import { copyDocument } from '../storage/values.js';
import type { ChangeRecord, Namespace } from './change-entry.js';
import type { ChangeLog } from './change-log.js';

function isView(collection: CollectionStore): boolean {
  return typeof collection.options.viewOn === 'string';
}

function namespaceOf(collection: CollectionStore): Namespace {
  return { db: collection.dbName, coll: collection.name };
}

/** Where the record names the collection: its namespace and (for base collections) its UUID. */
function collectionFields(collection: CollectionStore): Pick<ChangeRecord, 'ns' | 'uuid' | 'isView'> {
  return isView(collection) ? { ns: namespaceOf(collection), isView: true } : { ns: namespaceOf(collection), uuid: collection.uuid };
}

function imagesEnabled(collection: CollectionStore): boolean {
  const option: unknown = collection.options.changeStreamPreAndPostImages;
  return isPlainDocument(option) && option.enabled === true;
}

function sessionFields(options: WriteOptions): Pick<ChangeRecord, 'lsid' | 'txnNumber'> {
  const change = options.change;
  if (change?.lsid === undefined || change.txnNumber === undefined) return {};
  return { lsid: copyDocument(change.lsid), txnNumber: change.txnNumber };
}

/** A collection's options as a create event describes them. */
function createDescription(collection: CollectionStore): Document {
  const options = copyDocument(collection.options);
  if (isView(collection)) return options;
  const clustered = isPlainDocument(options.clusteredIndex) || isPlainDocument(options.timeseries);
  return clustered ? options : { idIndex: { v: 2, key: { _id: 1 }, name: '_id_' }, ...options };
}

export class ChangeRecorder implements CollectionObserver {
  constructor(readonly log: ChangeLog) {}

  inserted(collection: CollectionStore, after: Uint8Array, options: WriteOptions): void {
    this.log.append({ kind: 'insert', ...collectionFields(collection), after, imagesRecorded: imagesEnabled(collection), ...sessionFields(options) });
  }

  replaced(collection: CollectionStore, before: Uint8Array, after: Uint8Array, options: WriteOptions): void {
    const kind = options.change?.kind ?? 'update';
    this.log.append({ kind, ...collectionFields(collection), before, after, imagesRecorded: imagesEnabled(collection), ...sessionFields(options) });
  }

  deleted(collection: CollectionStore, before: Uint8Array, options: WriteOptions): void {
    this.log.append({ kind: 'delete', ...collectionFields(collection), before, imagesRecorded: imagesEnabled(collection), ...sessionFields(options) });
  }

  indexCreated(collection: CollectionStore, spec: IndexSpec): void {
    this.log.append({ kind: 'createIndexes', ...collectionFields(collection), operationDescription: { indexes: [copyDocument(spec)] } });
  }

  indexDropped(collection: CollectionStore, spec: IndexSpec): void {
    this.log.append({ kind: 'dropIndexes', ...collectionFields(collection), operationDescription: { indexes: [copyDocument(spec)] } });
  }

  /** shardCollection on a mongos of the simulated sharded cluster (see src/server/sharding/). */
  sharded(collection: CollectionStore, description: Document): void {
    this.log.append({ kind: 'shardCollection', ...collectionFields(collection), operationDescription: copyDocument(description) });
  }

  created(collection: CollectionStore): void {
    this.log.append({ kind: 'create', ...collectionFields(collection), operationDescription: createDescription(collection) });
  }

  dropped(collection: CollectionStore): void {
    this.log.append({ kind: 'drop', ...collectionFields(collection), collection });
  }

  /** `collection` already carries its new name; `droppedTarget` is the collection the rename replaced. */
  renamed(from: Namespace, collection: CollectionStore, droppedTarget: CollectionStore | undefined): void {
    const to = namespaceOf(collection);
    const description: Document = { to: { ...to } };
    if (droppedTarget !== undefined) description.dropTarget = droppedTarget.uuid;
    this.log.append({
      kind: 'rename', ns: from, uuid: collection.uuid, to, operationDescription: description, collection, ...(droppedTarget !== undefined ? { replaced: droppedTarget } : {}),
    });
  }

  /** dropDatabase: each collection's drop, then the database's. */
  databaseDropped(dbName: string, collections: Iterable<CollectionStore>): void {
    for (const collection of collections) this.dropped(collection);
    this.log.append({ kind: 'dropDatabase', ns: { db: dbName } });
  }

  /** collMod: what the command changed, and the collection's options before it. */
  modified(collection: CollectionStore, description: Document, optionsBefore: Document): void {
    this.log.append({
      kind: 'modify',
      ...collectionFields(collection),
      operationDescription: copyDocument(description),
      stateBeforeChange: { collectionOptions: { uuid: collection.uuid, ...copyDocument(optionsBefore) } },
    });
  }
}
