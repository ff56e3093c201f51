// One open multi-document transaction: the private copies of the collections it
// touched (copied on first touch, so it reads a snapshot of each and sees its
// own writes), the journal of its writes, and the documents it has claimed.
// Commit replays the journal onto the base collections through their ordinary
// write methods, so everything watching them sees the committed changes.
import { Long, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { CollectionOptions, WriteOptions } from '../storage/collection.js';
import type { Storage } from '../storage/storage.js';
import { recordIdOf } from './record-lookup.js';
import { TransactionCollection, type JournalEntry, type TransactionWriter } from './transaction-collection.js';

/** Which open transaction holds which document (first writer wins, as in mongod). */
export type DocumentLocks = Map<string, Transaction>;

const WRITE_CONFLICT_MESSAGE = 'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.';

export class Transaction implements TransactionWriter {
  private readonly copies = new Map<string, TransactionCollection>();
  /** Namespaces that did not exist when the transaction's snapshot of them was kept. */
  private readonly absent = new Set<string>();
  private readonly journal: JournalEntry[] = [];
  private readonly claimed = new Set<string>();
  /** Set when a write hit a write conflict: the statement fails with it and the transaction aborts. */
  conflict: CommandError | undefined;

  constructor(
    readonly lsid: Document,
    readonly txnNumber: bigint,
    private readonly base: Storage,
    private readonly locks: DocumentLocks,
    /** When it started (ms since the epoch): it is aborted once past the lifetime limit. */
    readonly startedAt: number,
  ) {}

  /** The transaction's view of a collection: its private copy, made on first touch. */
  collection(dbName: string, collName: string): TransactionCollection | undefined {
    const ns = `${dbName}.${collName}`;
    const existing = this.copies.get(ns);
    if (existing !== undefined || this.absent.has(ns)) return existing;
    const base = this.base.collection(dbName, collName);
    if (base === undefined) return undefined;
    const copy = TransactionCollection.copyOf(base, this);
    this.copies.set(ns, copy);
    return copy;
  }

  /** A collection created inside the transaction; it reaches the base storage at commit. */
  create(dbName: string, collName: string, options: CollectionOptions): TransactionCollection {
    const created = new TransactionCollection(dbName, collName, options, this, undefined);
    this.copies.set(created.ns, created);
    this.absent.delete(created.ns);
    this.claim(`${created.ns}\u0000$create`, () => this.base.collection(dbName, collName) !== undefined);
    this.record({ op: 'create', dbName, collName });
    return created;
  }

  /**
   * Keeps the collection as it is now for this transaction (a write outside it is
   * about to change it), so the transaction reads one snapshot of every collection,
   * taken at its first statement, as on mongod.
   */
  preserve(dbName: string, collName: string): void {
    const ns = `${dbName}.${collName}`;
    if (this.copies.has(ns) || this.absent.has(ns)) return;
    const base = this.base.collection(dbName, collName);
    if (base === undefined) this.absent.add(ns);
    else this.copies.set(ns, TransactionCollection.copyOf(base, this));
  }

  /** The collections the transaction's writes change at commit. */
  writtenCollections(): Array<readonly [string, string]> {
    const seen = new Map<string, readonly [string, string]>();
    for (const entry of this.journal) seen.set(`${entry.dbName}.${entry.collName}`, [entry.dbName, entry.collName]);
    return [...seen.values()];
  }

  claim(key: string, changedOutside: () => boolean): void {
    if (this.claimed.has(key)) return;
    const holder = this.locks.get(key);
    if ((holder !== undefined && holder !== this) || changedOutside()) {
      this.conflict ??= new CommandError(ErrorCodes.WriteConflict, WRITE_CONFLICT_MESSAGE);
      throw this.conflict;
    }
    this.locks.set(key, this);
    this.claimed.add(key);
  }

  record(entry: JournalEntry): void {
    this.journal.push(entry);
  }

  /**
   * Applies the journal to the base storage, then lets go of the claimed documents.
   * A replayed write can only fail when a write outside any transaction raced this
   * one (mongod would have made that write wait): the rest is still applied and
   * the first such error is thrown.
   */
  commit(): void {
    const change = { lsid: this.lsid, txnNumber: Long.fromBigInt(this.txnNumber) };
    let firstError: unknown;
    try {
      for (const entry of this.journal) {
        try {
          this.replay(entry, change);
        } catch (error) {
          firstError ??= error;
        }
      }
    } finally {
      this.release();
    }
    if (firstError !== undefined) throw firstError;
  }

  /** Drops everything the transaction did. */
  release(): void {
    for (const key of this.claimed) if (this.locks.get(key) === this) this.locks.delete(key);
    this.claimed.clear();
    this.copies.clear();
    this.absent.clear();
    this.journal.length = 0;
  }

  private replay(entry: JournalEntry, change: NonNullable<WriteOptions['change']>): void {
    if (entry.op === 'create') {
      this.replayCreate(entry.dbName, entry.collName);
      return;
    }
    const { collection } = this.base.ensureCollection(entry.dbName, entry.collName);
    // Replays are upserts by _id: a write outside the transaction may have raced it.
    if (entry.op === 'insert') {
      const existing = recordIdOf(collection, entry.doc._id);
      if (existing === undefined) collection.insert(entry.doc, { bypassDocumentValidation: true, change });
      else collection.replace(existing, entry.doc, { bypassDocumentValidation: true, change: { ...change, kind: 'replace' } });
      return;
    }
    const recordId = recordIdOf(collection, entry.id);
    if (entry.op === 'delete') {
      if (recordId !== undefined) collection.delete(recordId, { change });
      return;
    }
    const statement = entry.kind === undefined ? {} : { kind: entry.kind, update: entry.update };
    const options = { bypassDocumentValidation: true, change: { ...change, ...statement } };
    if (recordId === undefined) collection.insert(entry.doc, options);
    else collection.replace(recordId, entry.doc, options);
  }

  private replayCreate(dbName: string, collName: string): void {
    const copy = this.copies.get(`${dbName}.${collName}`);
    const target = this.base.collection(dbName, collName) ?? this.base.createCollection(dbName, collName, copy?.options ?? {});
    for (const spec of copy?.indexes() ?? []) {
      if (target.findIndex(spec.name) === undefined) target.addIndex(spec);
    }
  }
}
