// One collection: documents in natural (insertion) order, and its indexes.
// Unique indexes (always _id_) are enforced on every write.
import { ObjectId, serialize, UUID } from '../../bson.js';
import type { Document, Long } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument } from '../query/bson-types.js';
import { valuesEqual } from '../query/compare.js';
import { IndexState, type IndexSpec } from './index-state.js';
import { enforceValidator } from './validation.js';
import { firstElementDocument, withIdElementFirst } from './bson-elements.js';
import { copyWithIdFirst, leadingIdValue, RawDocument } from './raw-document.js';
import { copyDocument, decode, MAX_BSON_OBJECT_SIZE } from './values.js';

export type { IndexSpec } from './index-state.js';

/** Per-write options. */
export interface WriteOptions {
  /** The command's bypassDocumentValidation. */
  bypassDocumentValidation?: boolean;
  /** What change events report for this write (a committed transaction's replay names its session). */
  change?: { kind?: 'update' | 'replace'; lsid?: Document; txnNumber?: Long; /** The update statement's `u` (updateDescription follows its modifiers). */ update?: unknown };
}

/**
 * Told of every change committed to a collection Storage owns (the change log).
 * Storage sets it; a collection built any other way (a transaction's clone) has none.
 * Images are the stored BSON bytes, which are never written to.
 */
export interface CollectionObserver {
  inserted(collection: CollectionStore, after: Uint8Array, options: WriteOptions): void;
  replaced(collection: CollectionStore, before: Uint8Array, after: Uint8Array, options: WriteOptions): void;
  deleted(collection: CollectionStore, before: Uint8Array, options: WriteOptions): void;
  indexCreated(collection: CollectionStore, spec: IndexSpec): void;
  indexDropped(collection: CollectionStore, spec: IndexSpec): void;
}

export interface CollectionOptions extends Document {
  capped?: boolean;
  size?: number;
  max?: number;
}

function validateId(id: unknown): void {
  const t = bsonTypeOf(id);
  if (t === 'array' || t === 'regex' || t === 'undefined') {
    throw new CommandError(ErrorCodes.InvalidIdField, `The '_id' value cannot be of type ${t}`);
  }
  if (t === 'object') {
    for (const key of Object.keys(id as Document)) {
      if (key.startsWith('$')) {
        throw new CommandError(ErrorCodes.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${key} is not valid for storage.`);
      }
    }
  }
}

/**
 * One stored document: its BSON bytes (what replies return) and its canonical
 * object form (what queries read), decoded from the bytes on first use.
 */
class StoredRecord {
  private object: Document | undefined;

  constructor(readonly bytes: Uint8Array, object?: Document) {
    this.object = object;
  }

  get doc(): Document {
    this.object ??= decode(this.bytes);
    return this.object;
  }

  get decoded(): boolean {
    return this.object !== undefined;
  }
}

/**
 * The BSON bytes to store for `doc`, _id first (generated when missing), as
 * serialize(withIdFirst(doc)) would give them without rebuilding the object.
 */
function storedBytes(doc: Document): Uint8Array {
  const bytes = serialize(doc);
  return doc._id === undefined ? withIdElementFirst(bytes, new ObjectId()) : withIdElementFirst(bytes);
}

/** The canonical _id of stored bytes (their first element). */
function storedId(bytes: Uint8Array): unknown {
  return decode(firstElementDocument(bytes))._id;
}

/** The _id index (named and flagged as the clustered index when the collection is clustered). */
function idIndexSpec(options: CollectionOptions): IndexSpec {
  const clustered = options.clusteredIndex;
  if (!isPlainDocument(clustered)) return { v: 2, key: { _id: 1 }, name: '_id_' };
  return { v: 2, key: { _id: 1 }, name: typeof clustered.name === 'string' ? clustered.name : '_id_', unique: true, clustered: true };
}

export class CollectionStore {
  readonly uuid = new UUID();
  name: string;
  dbName: string;
  readonly options: CollectionOptions;
  /** Set by Storage on the collections it owns. */
  observer: CollectionObserver | undefined;
  private readonly records = new Map<number, StoredRecord>();
  private readonly indexStates: IndexState[] = [];
  private nextRecordId = 1;
  private totalSize = 0;

  /** Timeseries collections have no _id index (duplicate _ids are allowed). */
  private readonly hasIdIndex: boolean;

  constructor(dbName: string, name: string, options: CollectionOptions = {}) {
    this.dbName = dbName;
    this.name = name;
    this.options = options;
    this.hasIdIndex = !isPlainDocument(options.timeseries) && typeof options.viewOn !== 'string';
    if (this.hasIdIndex) this.indexStates.push(new IndexState(idIndexSpec(options)));
  }

  /**
   * A read-only collection over computed documents (a view's result): no index is
   * enforced and the documents are taken as they are.
   */
  static snapshot(dbName: string, name: string, documents: Document[]): CollectionStore {
    const store = new CollectionStore(dbName, name, { viewOn: '' });
    for (const doc of documents) store.records.set(store.nextRecordId++, new StoredRecord(serialize(doc), doc));
    return store;
  }

  /**
   * Fills `target`, a fresh collection with the same options, with this one's
   * documents and indexes: a transaction's private copy. Records are shared (their
   * bytes are never written to); nothing else (write observers) is copied.
   */
  copyInto<T extends CollectionStore>(target: T): T {
    (target as { uuid: UUID }).uuid = this.uuid;
    for (const [rid, record] of this.records) target.records.set(rid, record);
    target.nextRecordId = this.nextRecordId;
    target.totalSize = this.totalSize;
    const indexes = this.indexStates.map((state) => state.copy(copyDocument(state.spec) as IndexSpec));
    target.indexStates.splice(0, target.indexStates.length, ...indexes);
    return target;
  }

  get ns(): string {
    return `${this.dbName}.${this.name}`;
  }

  get count(): number {
    return this.records.size;
  }

  get dataSize(): number {
    return this.totalSize;
  }

  /** Stored documents with their record ids, in natural order. Internal: callers must not mutate or leak them. */
  entries(): Array<[number, Document]> {
    const out: Array<[number, Document]> = [];
    for (const [rid, record] of this.records) out.push([rid, record.doc]);
    return out;
  }

  /** Stored documents of the given record ids (ascending: natural order). Internal, like entries(). */
  entriesOf(recordIds: Iterable<number>): Array<[number, Document]> {
    const out: Array<[number, Document]> = [];
    for (const rid of [...recordIds].sort((a, b) => a - b)) {
      const record = this.records.get(rid);
      if (record) out.push([rid, record.doc]);
    }
    return out;
  }

  /**
   * Record ids whose `field` equals one of `keys` (valueKey strings) through a
   * single-field index, or undefined when no index answers equality on `field`.
   * A superset is fine: callers re-check their filter.
   */
  lookup(field: string, keys: readonly string[]): Set<number> | undefined {
    const index = this.indexStates.find((s) => s.lookupField === field);
    if (!index) return undefined;
    const out = new Set<number>();
    for (const key of keys) for (const rid of index.lookup(key) ?? []) out.add(rid);
    return out;
  }

  /** A copy of every document, in natural order. */
  documents(): Document[] {
    return [...this.records.values()].map((record) => decode(record.bytes));
  }

  get(recordId: number): Document | undefined {
    return this.records.get(recordId)?.doc;
  }

  /** The stored bytes of a record, shareable because stored bytes are never written to. */
  raw(recordId: number): RawDocument | undefined {
    const record = this.records.get(recordId);
    return record ? new RawDocument(record.bytes) : undefined;
  }

  /** Validates and stores a copy of `doc`; returns the stored _id. */
  insert(doc: Document, options: WriteOptions = {}): unknown {
    if (doc._id !== undefined) validateId(doc._id);
    return this.storeInsert(this.prepare(storedBytes(doc), 'insert'), options);
  }

  /** `id`: the stored _id when the caller already decoded it. */
  private storeInsert(record: StoredRecord, options: WriteOptions, id?: unknown): unknown {
    const needsObject = !this.onlyIdIndexed || this.options.validator !== undefined;
    const keyed = needsObject ? record.doc : { _id: id ?? storedId(record.bytes) };
    enforceValidator(this.options, keyed, undefined, options.bypassDocumentValidation === true);
    const rid = this.nextRecordId++;
    this.checkUnique(keyed, rid);
    this.records.set(rid, record);
    this.totalSize += record.bytes.length;
    for (const index of this.indexStates) index.add(keyed, rid);
    this.observer?.inserted(this, record.bytes, options);
    this.enforceCap();
    return needsObject ? copyDocument({ _id: keyed._id })._id : keyed._id;
  }

  /**
   * False when a subclass changes what an insert does (a transaction's copy): raw
   * inserts would bypass it, so callers insert the decoded document instead.
   */
  get acceptsRawInserts(): boolean {
    return this.insert === CollectionStore.prototype.insert;
  }

  /**
   * insert() for a document received as BSON bytes that equal serialize(deserialize(bytes))
   * (the caller checked): the same validation, errors and result, without decoding it.
   */
  insertRaw(bytes: Uint8Array, options: WriteOptions = {}): unknown {
    // A fresh copy either way: the received bytes are a view into a network buffer.
    const withId = copyWithIdFirst(bytes);
    if (withId === undefined) {
      const id = new ObjectId();
      return this.storeInsert(this.prepare(withIdElementFirst(bytes, id), 'insert'), options, id);
    }
    const id = leadingIdValue(withId) ?? storedId(withId);
    validateId(id);
    return this.storeInsert(this.prepare(withId, 'insert'), options, id);
  }

  /** Replaces a stored document in place (natural order kept). */
  replace(recordId: number, doc: Document, options: WriteOptions = {}): void {
    const old = this.records.get(recordId);
    if (!old) throw new CommandError(ErrorCodes.InternalError, `record ${recordId} vanished`);
    if (doc._id !== undefined) validateId(doc._id);
    const record = this.prepare(storedBytes(doc), 'update');
    const stored = record.doc;
    enforceValidator(this.options, stored, old.doc, options.bypassDocumentValidation === true);
    this.checkUnique(stored, recordId);
    for (const index of this.indexStates) index.remove(old.doc, recordId);
    this.records.set(recordId, record);
    this.totalSize += record.bytes.length - old.bytes.length;
    for (const index of this.indexStates) index.add(stored, recordId);
    this.observer?.replaced(this, old.bytes, record.bytes, options);
  }

  /** Only the _id index: index upkeep reads nothing but _id, so the object form can wait until a query needs it. */
  private get onlyIdIndexed(): boolean {
    return this.hasIdIndex && this.indexStates.length === 1;
  }

  delete(recordId: number, options: WriteOptions = {}): boolean {
    const old = this.records.get(recordId);
    if (!old) return false;
    const keyed = old.decoded || !this.onlyIdIndexed ? old.doc : { _id: storedId(old.bytes) };
    for (const index of this.indexStates) index.remove(keyed, recordId);
    this.records.delete(recordId);
    this.totalSize -= old.bytes.length;
    this.observer?.deleted(this, old.bytes, options);
    return true;
  }

  clear(): void {
    for (const rid of [...this.records.keys()]) this.delete(rid);
  }

  private docEntries(): Iterable<[number, Document]> {
    return this.entries();
  }

  indexes(): IndexSpec[] {
    return this.indexStates.map((s) => copyDocument(s.spec) as IndexSpec);
  }

  findIndex(name: string): IndexSpec | undefined {
    return this.indexStates.find((s) => s.spec.name === name)?.spec;
  }

  /** Adds an index; existing documents must satisfy a unique constraint. */
  addIndex(spec: IndexSpec): void {
    const state = new IndexState(copyDocument(spec) as IndexSpec);
    for (const [rid, doc] of this.docEntries()) {
      const conflict = state.conflict(doc, rid, this.ns);
      if (conflict) throw conflict;
      state.add(doc, rid);
    }
    this.indexStates.push(state);
    this.observer?.indexCreated(this, state.spec);
  }

  removeIndex(name: string): boolean {
    const i = this.indexStates.findIndex((s) => s.spec.name === name);
    if (i < 0 || (i === 0 && this.hasIdIndex)) return false;
    const [removed] = this.indexStates.splice(i, 1);
    if (removed !== undefined) this.observer?.indexDropped(this, removed.spec);
    return true;
  }

  removeAllIndexesButId(): void {
    const removed = this.indexStates.splice(this.hasIdIndex ? 1 : 0);
    for (const state of removed) this.observer?.indexDropped(this, state.spec);
  }

  /**
   * collMod's `index` option: changes hidden / expireAfterSeconds / prepareUnique /
   * unique of the index named or keyed by `target`. Converting to unique fails
   * (CannotConvertIndexToUnique, listing the duplicates) when documents collide.
   */
  modifyIndex(target: { name?: string; keyPattern?: Document }, changes: Document): Document {
    const state = this.indexStates.find((s) => (target.name !== undefined ? s.spec.name === target.name : target.keyPattern !== undefined && valuesEqual(s.spec.key, target.keyPattern)));
    if (!state) throw new CommandError(ErrorCodes.IndexNotFound, `cannot find index ${target.name ?? JSON.stringify(target.keyPattern)} for ns ${this.ns}`);
    const reply: Document = {};
    if (changes.unique === true && !state.unique) {
      const probe = new IndexState({ ...state.spec, prepareUnique: true });
      probe.rebuild(this.docEntries());
      probe.checkConvertibleToUnique((rid) => this.records.get(rid)?.doc._id);
      state.spec.unique = true;
      delete state.spec.prepareUnique;
      reply.unique_new = true;
    }
    for (const option of ['hidden', 'expireAfterSeconds', 'prepareUnique'] as const) {
      if (changes[option] === undefined) continue;
      reply[`${option}_old`] = state.spec[option] ?? false;
      reply[`${option}_new`] = changes[option];
      state.spec[option] = copyDocument({ v: changes[option] }).v;
    }
    state.rebuild(this.docEntries());
    return reply;
  }

  private prepare(bytes: Uint8Array, op: 'insert' | 'update'): StoredRecord {
    if (bytes.length > MAX_BSON_OBJECT_SIZE) {
      throw new CommandError(
        ErrorCodes.BSONObjectTooLarge,
        op === 'insert'
          ? `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON_OBJECT_SIZE}`
          : `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`,
      );
    }
    return new StoredRecord(bytes);
  }

  private checkUnique(doc: Document, rid: number): void {
    for (const index of this.indexStates) {
      const conflict = index.conflict(doc, rid, this.ns);
      if (conflict) throw conflict;
    }
  }

  private enforceCap(): void {
    if (this.options.capped !== true) return;
    const maxDocs = typeof this.options.max === 'number' && this.options.max > 0 ? this.options.max : Infinity;
    const maxSize = typeof this.options.size === 'number' && this.options.size > 0 ? this.options.size : Infinity;
    while (this.records.size > 1 && (this.records.size > maxDocs || this.totalSize > maxSize)) {
      const oldest = this.records.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }
}
