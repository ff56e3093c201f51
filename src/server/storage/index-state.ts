// One index's bookkeeping inside a collection: which records own which keys.
// Keys are tracked for unique indexes (enforced on every write) and for indexes
// collMod marked prepareUnique (new duplicates rejected, old ones tolerated until
// the index is converted to unique).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { isPlainDocument, toNumber } from '../query/bson-types.js';
import { compileFilter, type Predicate } from '../query/matcher.js';
import { duplicateKeyError, extractKeys, keyString, sparseSkips } from './index-keys.js';
import { geoKeyError, hasGeoKeyChecks } from '../query/geo/geo-keys.js';

/** An index as listIndexes reports it. */
export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
}

/** mongod's CannotConvertIndexToUnique (collMod unique:true over existing duplicates). */
const CANNOT_CONVERT_INDEX_TO_UNIQUE = 359;

const EMPTY: ReadonlySet<number> = new Set();

export class IndexState {
  readonly spec: IndexSpec;
  private readonly sparse: boolean;
  private readonly partial: Predicate | undefined;
  /**
   * key string → owning record ids: tracked while the index enforces uniqueness,
   * and always for a single-field ascending/descending index (equality lookups).
   */
  private entries = new Map<string, Set<number>>();
  /** The field an equality lookup may use this index for (single-field, every document keyed). */
  readonly lookupField: string | undefined;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.sparse = spec.sparse === true;
    this.partial = isPlainDocument(spec.partialFilterExpression) ? compileFilter(spec.partialFilterExpression) : undefined;
    const fields = Object.keys(spec.key);
    const direction = fields.length === 1 ? toNumber(spec.key[fields[0] ?? '']) : NaN;
    const field = fields[0];
    const plainPath = field !== undefined && field.split('.').every((part) => part !== '' && !/^\d+$/.test(part));
    this.lookupField = plainPath && !this.sparse && this.partial === undefined && (direction === 1 || direction === -1) ? field : undefined;
  }

  get unique(): boolean {
    return this.spec.unique === true || this.spec.name === '_id_' || this.spec.clustered === true;
  }

  /** Whether writes must not add a key some other record already holds. */
  private get enforcing(): boolean {
    return this.unique || this.spec.prepareUnique === true;
  }

  private get tracking(): boolean {
    return this.lookupField !== undefined || this.enforcing;
  }

  /**
   * Record ids whose key equals the value with this valueKey (undefined when the
   * index cannot answer equality lookups). Callers re-check their full filter.
   */
  lookup(key: string): ReadonlySet<number> | undefined {
    if (this.lookupField === undefined) return undefined;
    return this.entries.get(key) ?? EMPTY;
  }

  private rawKeys(doc: Document): unknown[][] {
    if (this.sparse && sparseSkips(doc, this.spec.key)) return [];
    if (this.partial && !this.partial(doc)) return [];
    return extractKeys(doc, this.spec.key);
  }

  conflict(doc: Document, rid: number, ns: string): CommandError | undefined {
    if (hasGeoKeyChecks(this.spec.key) && (!this.partial || this.partial(doc))) {
      const geoError = geoKeyError(doc, this.spec.key, this.spec);
      if (geoError) return geoError;
    }
    if (!this.enforcing) return undefined;
    for (const key of this.rawKeys(doc)) {
      const owners = this.entries.get(keyString(key));
      if (owners && [...owners].some((owner) => owner !== rid)) return duplicateKeyError(ns, this.spec.name, this.spec.key, key);
    }
    return undefined;
  }

  add(doc: Document, rid: number): void {
    if (!this.tracking) return;
    for (const key of this.rawKeys(doc)) {
      const k = keyString(key);
      const owners = this.entries.get(k);
      if (owners) owners.add(rid);
      else this.entries.set(k, new Set([rid]));
    }
  }

  remove(doc: Document, rid: number): void {
    if (!this.tracking) return;
    for (const key of this.rawKeys(doc)) {
      const k = keyString(key);
      const owners = this.entries.get(k);
      owners?.delete(rid);
      if (owners?.size === 0) this.entries.delete(k);
    }
  }

  /** An independent copy holding the same keys (for a transaction's private collection; no document is read). */
  copy(spec: IndexSpec): IndexState {
    const copy = new IndexState(spec);
    for (const [key, owners] of this.entries) copy.entries.set(key, new Set(owners));
    return copy;
  }

  /** Rebuilds the key map (after collMod changes whether the index enforces uniqueness). */
  rebuild(records: Iterable<[number, Document]>): void {
    this.entries = new Map();
    for (const [rid, doc] of records) this.add(doc, rid);
  }

  /**
   * Throws CannotConvertIndexToUnique listing the _ids that share a key, as
   * collMod { index: { unique: true } } does when duplicates exist.
   */
  checkConvertibleToUnique(idOf: (rid: number) => unknown): void {
    const violations: Document[] = [];
    for (const owners of this.entries.values()) {
      if (owners.size > 1) violations.push({ ids: [...owners].map(idOf) });
    }
    if (violations.length > 0) {
      throw new CommandError(CANNOT_CONVERT_INDEX_TO_UNIQUE, 'Cannot convert the index to unique. Please resolve conflicting documents before running collMod again.', { violations });
    }
  }
}
