// mongod's per-session transaction state (TransactionParticipant): each session's
// active txnNumber and whether its transaction is in progress, committed or
// aborted. Statements begin or continue a transaction here; commitTransaction and
// abortTransaction end one. Codes and messages follow mongod 8.0.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { sessionKey } from '../local-sessions.js';
import type { RetryableWriteHistory } from '../replication/retryable-write-history.js';
import type { Storage } from '../storage/storage.js';
import { Transaction, type DocumentLocks } from './transaction.js';

export type TransactionState = 'inProgress' | 'committed' | 'aborted';

/** Sessions whose transactions can no longer go on: the keys of ended sessions, or 'every' one. */
export type EndedSessions = readonly string[] | 'every';

/** mongod's transactionLifetimeLimitSeconds default: older open transactions are aborted. */
export const TRANSACTION_LIFETIME_LIMIT_MS = 60_000;

interface SessionTransaction {
  readonly txnNumber: bigint;
  /** When the transaction started (ms since the epoch). */
  readonly startedAt: number;
  state: TransactionState;
  /** The open transaction (inProgress only). */
  transaction: Transaction | undefined;
}

/** A statement's session and transaction number. */
export interface TransactionCoordinates {
  readonly lsid: Document;
  readonly txnNumber: bigint;
}

function noSuchTransaction(txnNumber: bigint, active: SessionTransaction | undefined): CommandError {
  const activeNumber = active === undefined ? '-1' : String(active.txnNumber);
  return new CommandError(
    ErrorCodes.NoSuchTransaction,
    `Given transaction number ${txnNumber} does not match any in-progress transactions. The active transaction number is ${activeNumber}`,
  );
}

function tooOld(txnNumber: bigint, active: SessionTransaction): CommandError {
  return new CommandError(
    ErrorCodes.TransactionTooOld,
    `Cannot start transaction ${txnNumber} on session because a newer transaction ${active.txnNumber} has already started.`,
  );
}

export class TransactionTable {
  private readonly sessions = new Map<string, SessionTransaction>();
  private readonly locks: DocumentLocks = new Map();
  private endWaiters: Array<() => void> = [];
  private readonly endedSessionListeners: Array<(ended: EndedSessions) => void> = [];
  /** How many transactions are in progress (most commands need not look further when none is). */
  private open = 0;

  constructor(
    private readonly history: RetryableWriteHistory,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a transaction (startTransaction: true) on the session. */
  begin(at: TransactionCoordinates, storage: Storage): Transaction {
    this.expireOld();
    const key = this.keyOf(at.lsid);
    const active = this.sessions.get(key);
    if (active !== undefined && at.txnNumber < active.txnNumber) throw tooOld(at.txnNumber, active);
    if (active !== undefined && at.txnNumber === active.txnNumber) {
      throw new CommandError(ErrorCodes.ConflictingOperationInProgress, 'Only servers in a sharded cluster can start a new transaction at the active transaction number');
    }
    // Shares the session's txnNumber with retryable writes: older ones now fail with TransactionTooOld.
    this.history.statementsFor({ lsid: at.lsid, txnNumber: at.txnNumber });
    this.endActive(active);
    const startedAt = this.now();
    const transaction = new Transaction(at.lsid, at.txnNumber, storage, this.locks, startedAt);
    this.sessions.set(key, { txnNumber: at.txnNumber, startedAt, state: 'inProgress', transaction });
    this.open++;
    return transaction;
  }

  /** The in-progress transaction a later statement continues. */
  continue(at: TransactionCoordinates): Transaction {
    this.expireOld();
    const active = this.sessions.get(this.keyOf(at.lsid));
    if (active !== undefined && at.txnNumber < active.txnNumber) throw tooOld(at.txnNumber, active);
    if (active === undefined || at.txnNumber > active.txnNumber) throw noSuchTransaction(at.txnNumber, active);
    if (active.state === 'aborted') throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${at.txnNumber} has been aborted.`);
    if (active.state === 'committed' || active.transaction === undefined) {
      throw new CommandError(ErrorCodes.TransactionCommitted, `Transaction ${at.txnNumber} has been committed.`);
    }
    return active.transaction;
  }

  /** commitTransaction: applies the transaction; committing a committed one again succeeds. */
  commit(at: TransactionCoordinates): void {
    const active = this.current(at);
    if (active.state === 'committed') return;
    if (active.state === 'aborted' || active.transaction === undefined) {
      throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${at.txnNumber} has been aborted.`);
    }
    const transaction = active.transaction;
    active.transaction = undefined;
    active.state = 'committed';
    this.open--;
    this.preserveSnapshots(transaction.writtenCollections());
    try {
      transaction.commit();
    } finally {
      this.notifyEnded();
    }
  }

  /** The session's transaction at `at` as the engine sees it; undefined when it never started here. */
  stateOf(at: TransactionCoordinates): TransactionState | undefined {
    const key = sessionKey(at.lsid);
    const active = key === undefined ? undefined : this.sessions.get(key);
    return active?.txnNumber === at.txnNumber ? active.state : undefined;
  }

  /** abortTransaction. */
  abort(at: TransactionCoordinates): void {
    const active = this.current(at);
    if (active.state === 'committed') throw new CommandError(ErrorCodes.TransactionCommitted, `Transaction ${at.txnNumber} has been committed.`);
    if (active.state === 'aborted') throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${at.txnNumber} has been aborted.`);
    this.endActive(active);
  }

  /** Aborts the transaction a failed statement was part of (mongod aborts on any statement failure). */
  abortOnFailure(transaction: Transaction): void {
    const key = sessionKey(transaction.lsid);
    const active = key === undefined ? undefined : this.sessions.get(key);
    if (active?.transaction === transaction) this.endActive(active);
  }

  /**
   * A retryable write (txnNumber, no autocommit) on the session: an older
   * txnNumber than the active transaction's is too old; a newer one aborts it.
   */
  observeRetryableWrite(lsid: unknown, txnNumber: bigint): void {
    const key = sessionKey(lsid);
    const active = key === undefined ? undefined : this.sessions.get(key);
    if (active === undefined || txnNumber === active.txnNumber) return;
    if (txnNumber < active.txnNumber) throw tooOld(txnNumber, active);
    this.endActive(active);
  }

  /**
   * Tells `listener` when sessions end here (endSessions, killSessions, killAllSessions), so that
   * state others keep per session (the routers' records of a sharded cluster) goes with them.
   */
  onSessionsEnded(listener: (ended: EndedSessions) => void): void {
    this.endedSessionListeners.push(listener);
  }

  /** endSessions / killSessions: their open transactions abort, and the sessions are forgotten. */
  abortSessions(lsids: readonly unknown[]): void {
    const ended: string[] = [];
    for (const lsid of lsids) {
      const key = sessionKey(lsid);
      if (key === undefined) continue;
      this.endActive(this.sessions.get(key));
      this.sessions.delete(key);
      ended.push(key);
    }
    if (ended.length > 0) for (const listener of this.endedSessionListeners) listener(ended);
  }

  /** killAllSessions and friends (and a step-down): no open transaction survives. */
  abortAll(): void {
    for (const active of this.sessions.values()) this.endActive(active);
    for (const listener of this.endedSessionListeners) listener('every');
  }

  /**
   * When the earliest open transaction holding one of `keys` reaches its lifetime
   * limit; undefined when none holds any (a write outside transactions may go on).
   */
  claimExpiry(keys: readonly string[]): number | undefined {
    if (this.locks.size === 0) return undefined;
    this.expireOld();
    let earliest: number | undefined;
    for (const key of keys) {
      const holder = this.locks.get(key);
      if (holder === undefined) continue;
      const expiry = holder.startedAt + TRANSACTION_LIFETIME_LIMIT_MS;
      earliest = earliest === undefined ? expiry : Math.min(earliest, expiry);
    }
    return earliest;
  }

  /** Before a write outside them changes these collections, every open transaction keeps its snapshot of them. */
  preserveSnapshots(collections: ReadonlyArray<readonly [string, string]>): void {
    if (collections.length === 0 || this.open === 0) return;
    for (const active of this.sessions.values()) {
      const transaction = active.state === 'inProgress' ? active.transaction : undefined;
      if (transaction !== undefined) for (const [dbName, collName] of collections) transaction.preserve(dbName, collName);
    }
  }

  get hasOpenTransactions(): boolean {
    return this.open > 0;
  }

  /** Whether any open transaction holds a document. */
  get holdsClaims(): boolean {
    return this.locks.size > 0;
  }

  /** Resolves when some transaction next commits or aborts. */
  nextEnd(): Promise<void> {
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  clear(): void {
    this.abortAll();
    this.sessions.clear();
  }

  private current(at: TransactionCoordinates): SessionTransaction {
    this.expireOld();
    const active = this.sessions.get(this.keyOf(at.lsid));
    if (active !== undefined && at.txnNumber < active.txnNumber) throw tooOld(at.txnNumber, active);
    if (active === undefined || at.txnNumber > active.txnNumber) throw noSuchTransaction(at.txnNumber, active);
    return active;
  }

  /** Aborts open transactions past the lifetime limit (checked lazily, when transactions are used). */
  private expireOld(): void {
    const oldest = this.now() - TRANSACTION_LIFETIME_LIMIT_MS;
    for (const active of this.sessions.values()) if (active.startedAt < oldest) this.endActive(active);
  }

  private endActive(active: SessionTransaction | undefined): void {
    if (active?.state !== 'inProgress') return;
    active.transaction?.release();
    active.transaction = undefined;
    active.state = 'aborted';
    this.open--;
    this.notifyEnded();
  }

  private notifyEnded(): void {
    const waiters = this.endWaiters;
    this.endWaiters = [];
    for (const wake of waiters) wake();
  }

  private keyOf(lsid: Document): string {
    const key = sessionKey(lsid);
    if (key === undefined) throw new CommandError(ErrorCodes.InvalidOptions, 'Transactions require a session id (lsid) with a binary id');
    return key;
  }
}
