// One collection: documents in natural (insertion) order, and its indexes.
// Unique indexes (always _id_) are enforced on every write.
import { ObjectId, UUID } from '../../bson.js';
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument } from '../query/bson-types.js';
import { valuesEqual } from '../query/compare.js';
import { IndexState, type IndexSpec } from './index-state.js';
import { enforceValidator } from './validation.js';
import { copyDocument, MAX_BSON_OBJECT_SIZE, toCanonical } from './values.js';

export type { IndexSpec } from './index-state.js';

/** Per-write options. */
export interface WriteOptions {
  /** The command's bypassDocumentValidation. */
  bypassDocumentValidation?: boolean;
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

/** Returns the document with _id first (generated when missing). */
function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id' && doc._id !== undefined) return doc;
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
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
  private readonly records = new Map<number, Document>();
  private readonly sizes = new Map<number, number>();
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
    for (const doc of documents) store.records.set(store.nextRecordId++, doc);
    return store;
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
    return [...this.records.entries()];
  }

  /** A copy of every document, in natural order. */
  documents(): Document[] {
    return [...this.records.values()].map(copyDocument);
  }

  get(recordId: number): Document | undefined {
    return this.records.get(recordId);
  }

  /** Validates and stores a copy of `doc`; returns the stored _id. */
  insert(doc: Document, options: WriteOptions = {}): unknown {
    const { doc: stored, size } = this.prepare(withIdFirst(doc), 'insert');
    enforceValidator(this.options, stored, undefined, options.bypassDocumentValidation === true);
    const rid = this.nextRecordId++;
    this.checkUnique(stored, rid);
    this.records.set(rid, stored);
    this.sizes.set(rid, size);
    this.totalSize += size;
    for (const index of this.indexStates) index.add(stored, rid);
    this.enforceCap();
    return copyDocument({ _id: stored._id })._id;
  }

  /** Replaces a stored document in place (natural order kept). */
  replace(recordId: number, doc: Document, options: WriteOptions = {}): void {
    const old = this.records.get(recordId);
    if (!old) throw new CommandError(ErrorCodes.InternalError, `record ${recordId} vanished`);
    const { doc: stored, size } = this.prepare(withIdFirst(doc), 'update');
    enforceValidator(this.options, stored, old, options.bypassDocumentValidation === true);
    this.checkUnique(stored, recordId);
    for (const index of this.indexStates) index.remove(old, recordId);
    this.records.set(recordId, stored);
    this.totalSize += size - (this.sizes.get(recordId) ?? 0);
    this.sizes.set(recordId, size);
    for (const index of this.indexStates) index.add(stored, recordId);
  }

  delete(recordId: number): boolean {
    const old = this.records.get(recordId);
    if (!old) return false;
    for (const index of this.indexStates) index.remove(old, recordId);
    this.records.delete(recordId);
    this.totalSize -= this.sizes.get(recordId) ?? 0;
    this.sizes.delete(recordId);
    return true;
  }

  clear(): void {
    for (const rid of [...this.records.keys()]) this.delete(rid);
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
    for (const [rid, doc] of this.records) {
      const conflict = state.conflict(doc, rid, this.ns);
      if (conflict) throw conflict;
      state.add(doc, rid);
    }
    this.indexStates.push(state);
  }

  removeIndex(name: string): boolean {
    const i = this.indexStates.findIndex((s) => s.spec.name === name);
    if (i < 0 || (i === 0 && this.hasIdIndex)) return false;
    this.indexStates.splice(i, 1);
    return true;
  }

  removeAllIndexesButId(): void {
    this.indexStates.splice(this.hasIdIndex ? 1 : 0);
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
      probe.rebuild(this.records);
      probe.checkConvertibleToUnique(this.records);
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
    state.rebuild(this.records);
    return reply;
  }

  private prepare(doc: Document, op: 'insert' | 'update'): { doc: Document; size: number } {
    validateId(doc._id);
    const result = toCanonical(doc);
    if (result.size > MAX_BSON_OBJECT_SIZE) {
      throw new CommandError(
        ErrorCodes.BSONObjectTooLarge,
        op === 'insert'
          ? `object to insert too large. size in bytes: ${result.size}, max size: ${MAX_BSON_OBJECT_SIZE}`
          : `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`,
      );
    }
    return result;
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
