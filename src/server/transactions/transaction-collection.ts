// A transaction's private copy of one collection. Handlers read and write it
// like any collection; every write is also written to the transaction's journal
// (replayed onto the base collection at commit) and checked for write conflicts
// with other operations first. It has no write observers, so nothing a
// transaction does is seen (change events included) before it commits.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { CollectionStore, type CollectionOptions, type IndexSpec, type WriteOptions } from '../storage/collection.js';
import { decode } from '../storage/values.js';
import { extractKeys, keyString, sparseSkips } from '../storage/index-keys.js';
import { documentKey, recordIdOf } from './record-lookup.js';

/** One write as the transaction made it, by _id; documents are the stored (canonical) form. */
export type JournalEntry =
  | { readonly op: 'create'; readonly dbName: string; readonly collName: string }
  | { readonly op: 'insert'; readonly dbName: string; readonly collName: string; readonly doc: Document }
  | {
      readonly op: 'replace';
      readonly dbName: string;
      readonly collName: string;
      readonly id: unknown;
      readonly doc: Document;
      readonly kind: 'update' | 'replace' | undefined;
      /** The update statement (its `u`): the commit's change event describes the update by it, as outside transactions. */
      readonly update?: unknown;
    }
  | { readonly op: 'delete'; readonly dbName: string; readonly collName: string; readonly id: unknown };

/** What a private collection reports its writes to (the owning transaction). */
export interface TransactionWriter {
  /**
   * Claims a document (or a unique index key) for this transaction before (or,
   * for inserts, right after) it is written; throws WriteConflict when another
   * transaction holds it or `changedOutside` says a committed write changed it
   * since the copy was made.
   */
  claim(key: string, changedOutside: () => boolean): void;
  record(entry: JournalEntry): void;
}

export class TransactionCollection extends CollectionStore {
  constructor(
    dbName: string,
    name: string,
    options: CollectionOptions,
    private readonly writer: TransactionWriter,
    /** The collection this copies; undefined when the transaction created it. */
    readonly base: CollectionStore | undefined,
  ) {
    super(dbName, name, options);
  }

  /** A private copy of `base` for `writer`. */
  static copyOf(base: CollectionStore, writer: TransactionWriter): TransactionCollection {
    return base.copyInto(new TransactionCollection(base.dbName, base.name, base.options, writer, base));
  }

  override insert(doc: Document, options: WriteOptions = {}): unknown {
    this.checkWritable();
    const id = super.insert(doc, options);
    const base = this.base;
    this.writer.claim(documentKey(this.ns, id), () => base !== undefined && recordIdOf(base, id) !== undefined);
    const stored = this.storedDocument(id);
    this.claimUniqueKeys(stored);
    this.record({ op: 'insert', doc: stored });
    return id;
  }

  override replace(recordId: number, doc: Document, options: WriteOptions = {}): void {
    this.checkWritable();
    const id = this.get(recordId)?._id;
    this.writer.claim(documentKey(this.ns, id), () => this.changedOutside(recordId));
    super.replace(recordId, doc, options);
    const stored = this.storedDocument(id, recordId);
    this.claimUniqueKeys(stored);
    this.record({ op: 'replace', id, doc: stored, kind: options.change?.kind, update: options.change?.update });
  }

  override delete(recordId: number, options: WriteOptions = {}): boolean {
    const current = this.get(recordId);
    if (current === undefined) return false;
    this.checkWritable();
    this.writer.claim(documentKey(this.ns, current._id), () => this.changedOutside(recordId));
    const deleted = super.delete(recordId, options);
    this.record({ op: 'delete', id: current._id });
    return deleted;
  }

  /** mongod builds no index on an existing collection inside a transaction; on one the transaction created, it may. */
  override addIndex(spec: IndexSpec): void {
    if (this.base !== undefined) {
      throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot create new indexes on existing collection ${this.ns} in a multi-document transaction.`);
    }
    super.addIndex(spec);
  }

  /** mongod refuses transactional writes to capped and system collections. */
  private checkWritable(): void {
    if (this.options.capped === true) {
      throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Collection '${this.ns}' is a capped collection. Writes in transactions are not supported on capped collections.`);
    }
    if (this.name.startsWith('system.')) {
      throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot write to system collection ${this.ns} within a transaction.`);
    }
  }

  /**
   * Claims the keys the document holds in unique secondary indexes: two open
   * transactions writing the same key conflict, as on mongod (the second one
   * would otherwise only fail at commit). Partial indexes are left out.
   */
  private claimUniqueKeys(stored: Document): void {
    for (const spec of this.indexes()) {
      if (spec.unique !== true || spec.partialFilterExpression !== undefined) continue;
      if (spec.sparse === true && sparseSkips(stored, spec.key)) continue;
      for (const key of extractKeys(stored, spec.key)) this.writer.claim(`${this.ns}\u0000${spec.name}\u0000${keyString(key)}`, () => false);
    }
  }

  /** Whether the base record differs from this copy's, which is still the one copied (the first write to it). */
  private changedOutside(recordId: number): boolean {
    if (this.base === undefined) return false;
    return this.base.raw(recordId)?.bytes !== this.raw(recordId)?.bytes;
  }

  private storedDocument(id: unknown, recordId = recordIdOf(this, id)): Document {
    const raw = recordId === undefined ? undefined : this.raw(recordId);
    if (raw === undefined) throw new CommandError(ErrorCodes.InternalError, `transaction write to ${this.ns} lost its document`);
    return decode(raw.bytes);
  }

  private record(entry: DistributiveOmit<JournalEntry, 'dbName' | 'collName'>): void {
    this.writer.record({ ...entry, dbName: this.dbName, collName: this.name } as JournalEntry);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
