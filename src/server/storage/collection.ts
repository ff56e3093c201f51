// One collection: documents in natural (insertion) order, and its indexes.
// Unique indexes (always _id_) are enforced on every write.
import { ObjectId, UUID } from '../../bson.js';
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument } from '../query/bson-types.js';
import { compileFilter, type Predicate } from '../query/matcher.js';
import { duplicateKeyError, extractKeys, keyString, sparseSkips } from './index-keys.js';
import { copyDocument, MAX_BSON_OBJECT_SIZE, toCanonical } from './values.js';

/** An index as listIndexes reports it. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
}

class IndexState {
  readonly spec: IndexSpec;
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial: Predicate | undefined;
  /** key string → record id, for unique indexes. */
  readonly entries = new Map<string, number>();

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.unique = spec.unique === true || spec.name === '_id_';
    this.sparse = spec.sparse === true;
    this.partial = isPlainDocument(spec.partialFilterExpression) ? compileFilter(spec.partialFilterExpression) : undefined;
  }

  keysOf(doc: Document): string[] {
    if (this.sparse && sparseSkips(doc, this.spec.key)) return [];
    if (this.partial && !this.partial(doc)) return [];
    return extractKeys(doc, this.spec.key).map(keyString);
  }

  conflict(doc: Document, rid: number, ns: string): CommandError | undefined {
    if (!this.unique) return undefined;
    const keys = this.sparse && sparseSkips(doc, this.spec.key) ? [] : this.partial && !this.partial(doc) ? [] : extractKeys(doc, this.spec.key);
    for (const key of keys) {
      const owner = this.entries.get(keyString(key));
      if (owner !== undefined && owner !== rid) return duplicateKeyError(ns, this.spec.name, this.spec.key, key);
    }
    return undefined;
  }

  add(doc: Document, rid: number): void {
    if (this.unique) for (const k of this.keysOf(doc)) this.entries.set(k, rid);
  }

  remove(doc: Document, rid: number): void {
    if (!this.unique) return;
    for (const k of this.keysOf(doc)) if (this.entries.get(k) === rid) this.entries.delete(k);
  }
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

  constructor(dbName: string, name: string, options: CollectionOptions = {}) {
    this.dbName = dbName;
    this.name = name;
    this.options = options;
    this.indexStates.push(new IndexState({ v: 2, key: { _id: 1 }, name: '_id_' }));
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
  insert(doc: Document): unknown {
    const { doc: stored, size } = this.prepare(withIdFirst(doc), 'insert');
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
  replace(recordId: number, doc: Document): void {
    const old = this.records.get(recordId);
    if (!old) throw new CommandError(ErrorCodes.InternalError, `record ${recordId} vanished`);
    const { doc: stored, size } = this.prepare(withIdFirst(doc), 'update');
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
    if (i <= 0) return false;
    this.indexStates.splice(i, 1);
    return true;
  }

  removeAllIndexesButId(): void {
    this.indexStates.splice(1);
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
