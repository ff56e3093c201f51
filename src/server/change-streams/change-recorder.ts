// Turns storage changes into change-log entries: the observer Storage sets on
// the collections it owns, plus the collection-level changes Storage and the
// DDL commands report (create, drop, rename, dropDatabase, collMod).
import type { Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { CollectionObserver, CollectionStore, IndexSpec, WriteOptions } from '../storage/collection.js';
import { copyDocument, decode } from '../storage/values.js';
import { pipelineUpdateDiff } from './oplog-diff.js';
import { describeDelta, type UpdateDescription } from './update-description.js';
import type { ChangeRecord, Namespace, NamespaceType } from './change-entry.js';
import type { ChangeLog } from './change-log.js';

function isView(collection: CollectionStore): boolean {
  return typeof collection.options.viewOn === 'string';
}

/**
 * mongod (through 8.x) keeps a time-series collection as a view over system.buckets.<name>:
 * its data writes land in the buckets collection, which user streams never see, and its
 * create/drop are view-definition events.
 */
function isTimeseries(collection: CollectionStore): boolean {
  return isPlainDocument(collection.options.timeseries);
}

function namespaceType(collection: CollectionStore): NamespaceType {
  return isView(collection) ? 'view' : isTimeseries(collection) ? 'timeseries' : 'collection';
}

function namespaceOf(collection: CollectionStore): Namespace {
  return { db: collection.dbName, coll: collection.name };
}

/** Where the record names the collection: its namespace and (for base collections) its UUID. */
function collectionFields(collection: CollectionStore): Pick<ChangeRecord, 'ns' | 'uuid' | 'isView'> {
  return isView(collection) || isTimeseries(collection) ? { ns: namespaceOf(collection), isView: true } : { ns: namespaceOf(collection), uuid: collection.uuid };
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

/** A modifier-style update document, kept (copied) so the event can describe the update as mongod logs it. */
function modifierDocument(update: unknown): Document | undefined {
  if (!isPlainDocument(update) || !Object.keys(update).every((key) => key.startsWith('$'))) return undefined;
  return copyDocument(update);
}

/** A view's system.views document without _id: viewOn, pipeline and (when set) collation. */
function viewDefinition(collection: CollectionStore): Document {
  const { viewOn, pipeline, collation } = copyDocument(collection.options);
  return collation === undefined ? { viewOn, pipeline } : { viewOn, pipeline, collation };
}

/** Default bucketMaxSpanSeconds per granularity (mongod's). */
const BUCKET_SPANS: Readonly<Record<string, number>> = { seconds: 3600, minutes: 86400, hours: 2592000 };

/** A time-series collection's view definition, as mongod stores it in system.views (without _id). */
function timeseriesViewDefinition(collection: CollectionStore): Document {
  const options = isPlainDocument(collection.options.timeseries) ? collection.options.timeseries : {};
  const granularity = typeof options.granularity === 'string' ? options.granularity : 'seconds';
  const unpack: Document = { timeField: options.timeField };
  if (options.metaField !== undefined) unpack.metaField = options.metaField;
  unpack.bucketMaxSpanSeconds = options.bucketMaxSpanSeconds ?? BUCKET_SPANS[granularity] ?? 3600;
  return { viewOn: `system.buckets.${collection.name}`, pipeline: [{ $_internalUnpackBucket: unpack }] };
}

/**
 * What a create event's operationDescription holds: a view's definition (its system.views
 * document without _id), or the oplog create entry without `create`: the options, then
 * idIndex (absent for clustered collections).
 */
function createDescription(collection: CollectionStore): Document {
  if (isTimeseries(collection)) return timeseriesViewDefinition(collection);
  const options = copyDocument(collection.options);
  if (isView(collection)) return options;
  return isPlainDocument(options.clusteredIndex) ? options : { ...options, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } };
}

export class ChangeRecorder implements CollectionObserver {
  constructor(readonly log: ChangeLog) {}

  inserted(collection: CollectionStore, after: Uint8Array, options: WriteOptions): void {
    if (isTimeseries(collection)) return;
    this.log.append({ kind: 'insert', ...collectionFields(collection), after, imagesRecorded: imagesEnabled(collection), ...sessionFields(options) });
  }

  replaced(collection: CollectionStore, before: Uint8Array, after: Uint8Array, options: WriteOptions): void {
    if (isTimeseries(collection)) return;
    let kind = options.change?.kind ?? 'update';
    const update = kind === 'update' ? modifierDocument(options.change?.update) : undefined;
    let updateDescription: UpdateDescription | undefined;
    if (kind === 'update' && Array.isArray(options.change?.update)) {
      // mongod logs a pipeline update as a delta only when that is smaller than the new document.
      const delta = pipelineUpdateDiff(decode(before), decode(after));
      if (delta === undefined) kind = 'replace';
      else updateDescription = describeDelta(delta);
    }
    this.log.append({
      kind, ...collectionFields(collection), before, after, imagesRecorded: imagesEnabled(collection), ...sessionFields(options),
      ...(update !== undefined ? { update } : {}), ...(updateDescription !== undefined ? { updateDescription } : {}),
    });
  }

  deleted(collection: CollectionStore, before: Uint8Array, options: WriteOptions): void {
    if (isTimeseries(collection)) return;
    this.log.append({ kind: 'delete', ...collectionFields(collection), before, imagesRecorded: imagesEnabled(collection), ...sessionFields(options) });
  }

  indexCreated(collection: CollectionStore, spec: IndexSpec): void {
    // A time-series collection's indexes are on its buckets collection (a system namespace).
    if (isTimeseries(collection)) return;
    this.log.append({ kind: 'createIndexes', ...collectionFields(collection), operationDescription: { indexes: [copyDocument(spec)] } });
  }

  indexDropped(collection: CollectionStore, spec: IndexSpec): void {
    if (isTimeseries(collection)) return;
    this.log.append({ kind: 'dropIndexes', ...collectionFields(collection), operationDescription: { indexes: [copyDocument(spec)] } });
  }

  /** shardCollection on a mongos of the simulated sharded cluster (see src/server/sharding/). */
  sharded(collection: CollectionStore, description: Document): void {
    this.log.append({ kind: 'shardCollection', ...collectionFields(collection), operationDescription: copyDocument(description) });
  }

  created(collection: CollectionStore): void {
    this.log.append({ kind: 'create', ...collectionFields(collection), operationDescription: createDescription(collection), nsType: namespaceType(collection) });
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

  /** collMod: what the command changed, and the collection's (and a modified index's) options before it. */
  modified(collection: CollectionStore, description: Document, optionsBefore: Document, indexOptionsBefore?: Document): void {
    if (isView(collection)) {
      // A view's collMod rewrites its system.views document: the event shows the new definition, no prior state.
      this.log.append({ kind: 'modify', ...collectionFields(collection), operationDescription: viewDefinition(collection) });
      return;
    }
    this.log.append({
      kind: 'modify',
      ...collectionFields(collection),
      operationDescription: copyDocument(description),
      stateBeforeChange: {
        collectionOptions: { uuid: collection.uuid, ...copyDocument(optionsBefore) },
        ...(indexOptionsBefore === undefined ? {} : { indexOptions: copyDocument(indexOptionsBefore) }),
      },
    });
  }
}
