// ClientSession: the application's handle on a logical session (driver-sessions,
// causal-consistency and snapshot-sessions specs). Not safe for concurrent use by
// overlapping operations; one operation at a time, as the spec requires.
import { Timestamp, type Document } from '../bson.js';
import { TimeoutContext } from '../connection/timeout-context.js';
import { MongoCompatibilityError, MongoError, MongoExpiredSessionError, MongoInvalidArgumentError, MongoOperationTimeoutError, MongoTransactionError } from '../errors.js';
import { clusterTimestampOf, compareTimestamps, isNewerClusterTime, type ClusterTime } from './cluster-time.js';
import type { ServerSession } from './server-session.js';
import { labelCommitError } from './transaction-errors.js';
import {
  Transaction,
  resolveTransactionOptions,
  validateDefaultTransactionOptions,
  type TransactionDefaults,
  type TransactionOptions,
  type TransactionState,
} from './transaction.js';
import { runWithTransaction, type WithTransactionCallback } from './with-transaction.js';

export interface SessionOptions {
  /** Reads see this session's earlier writes (default true, unless snapshot). */
  causalConsistency?: boolean;
  /** Reads (find, aggregate, distinct) share one snapshot; needs a replica set or sharded cluster. */
  snapshot?: boolean;
  /** The snapshot to read at (only with snapshot: true); default: the first read's. */
  snapshotTime?: Timestamp;
  /** Options for every transaction started on this session, where startTransaction does not set them. */
  defaultTransactionOptions?: TransactionOptions;
  /**
   * CSOT: the timeoutMS of commitTransaction, abortTransaction, withTransaction and
   * endSession on this session (default: the client's timeoutMS).
   */
  defaultTimeoutMS?: number;
}

/** Per-call options of commitTransaction / abortTransaction. */
export interface EndTransactionOptions {
  /** Overrides the session's defaultTimeoutMS for this command. */
  timeoutMS?: number;
}

/** The two commands that end a transaction, sent through the client's executor. */
/** Per-call options of endSession. */
export interface EndSessionOptions {
  /** The timeout of the abortTransaction sent for an open transaction (default: the session's defaultTimeoutMS). */
  timeoutMS?: number;
}

export type TransactionCommandName = 'commitTransaction' | 'abortTransaction';

/** What a session reports back to the client that made it. */
export interface SessionOwner {
  /** Returns the session's server session to the pool (endSession, end of an implicit operation). */
  releaseSession(session: ClientSession<unknown>): void;
  /** Sends commitTransaction / abortTransaction for the session's transaction (absent: no transactions). */
  runTransactionCommand?(session: ClientSession<unknown>, command: TransactionCommandName, timeout: TimeoutContext | undefined): Promise<void>;
  /** The client's timeoutMS (CSOT), inherited as defaultTimeoutMS. */
  readonly timeoutMS?: number;
  /** The client's read concern, write concern and read preference, inherited by transactions. */
  readonly transactionDefaults?: TransactionDefaults;
}

export interface ClientSessionInit<TClient> {
  readonly owner: SessionOwner;
  readonly client: TClient;
  readonly serverSession: ServerSession;
  readonly explicit: boolean;
  readonly options?: SessionOptions;
}

/**
 * Validates session options (the spec forbids snapshot with causalConsistency, and
 * snapshotTime without snapshot) and fills in the defaults.
 */
function resolveOptions(options: SessionOptions | undefined, explicit: boolean): { causalConsistency: boolean; snapshot: boolean; snapshotTime: Timestamp | undefined } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new MongoInvalidArgumentError('session options must be an object');
  const snapshot = options?.snapshot === true;
  if (snapshot && options?.causalConsistency === true) {
    throw new MongoInvalidArgumentError('Properties "causalConsistency" and "snapshot" are mutually exclusive');
  }
  const snapshotTime = options?.snapshotTime;
  if (snapshotTime !== undefined) {
    if (!snapshot) throw new MongoInvalidArgumentError('snapshotTime can only be set on a snapshot session (snapshot: true)');
    if (!(snapshotTime instanceof Timestamp)) throw new MongoInvalidArgumentError('snapshotTime must be a Timestamp');
  }
  // Implicit sessions are never causally consistent (it could clash with the operation's read concern).
  const causalConsistency = explicit && !snapshot && options?.causalConsistency !== false;
  return { causalConsistency, snapshot, snapshotTime };
}

export class ClientSession<TClient = unknown> implements AsyncDisposable {
  /** The client that started this session; it may only be used with that client. */
  readonly client: TClient;
  /** Started by the application (startSession) rather than by the driver for one operation. */
  readonly explicit: boolean;
  readonly causalConsistency: boolean;
  readonly snapshot: boolean;
  private readonly owner: SessionOwner;
  private readonly server: ServerSession;
  private latestClusterTime: ClusterTime | undefined;
  private latestOperationTime: Timestamp | undefined;
  private snapshotAt: Timestamp | undefined;
  private ended = false;
  private ending: Promise<void> | undefined;
  private readonly defaultTransactionOptions: TransactionOptions | undefined;
  /** @internal The current (or last) transaction's state and options. */
  readonly transaction = new Transaction();
  /** CSOT: the session's defaultTimeoutMS, else the client's timeoutMS. */
  readonly defaultTimeoutMS: number | undefined;
  /**
   * @internal Set by withTransaction while it runs with a timeout: every operation of the
   * callback that uses this session shares this deadline (CSOT "Convenient Transactions API").
   * Do not modify it.
   */
  timeoutContext: TimeoutContext | undefined;

  constructor(init: ClientSessionInit<TClient>) {
    const resolved = resolveOptions(init.options, init.explicit);
    this.client = init.client;
    this.owner = init.owner;
    this.server = init.serverSession;
    this.explicit = init.explicit;
    this.causalConsistency = resolved.causalConsistency;
    this.snapshot = resolved.snapshot;
    this.snapshotAt = resolved.snapshotTime;
    validateDefaultTransactionOptions(init.options?.defaultTransactionOptions);
    this.defaultTransactionOptions = init.options?.defaultTransactionOptions;
    const own = init.options?.defaultTimeoutMS;
    if (own !== undefined && (typeof own !== 'number' || !Number.isFinite(own) || own < 0)) {
      throw new MongoInvalidArgumentError(`defaultTimeoutMS must be a non-negative number, got ${String(own)}`);
    }
    this.defaultTimeoutMS = own ?? init.owner.timeoutMS;
  }

  /** The logical session id sent as `lsid`: { id: UUID }. */
  get id(): Document {
    return this.server.id;
  }

  /** The highest `$clusterTime` this session has seen (or was advanced to). */
  get clusterTime(): ClusterTime | undefined {
    return this.latestClusterTime;
  }

  /** The operationTime of the latest operation in this session (or advanced to). */
  get operationTime(): Timestamp | undefined {
    return this.latestOperationTime;
  }

  /** For snapshot sessions: the time reads are pinned to, once known. Undefined otherwise. */
  get snapshotTime(): Timestamp | undefined {
    return this.snapshotAt;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** @internal The pooled server session (lsid, txnNumber, dirty flag). */
  get serverSession(): ServerSession {
    return this.server;
  }

  /** Moves the session's cluster time forward (never back); the client's is left alone. */
  advanceClusterTime(clusterTime: ClusterTime): void {
    if (clusterTimestampOf(clusterTime) === undefined) {
      throw new MongoInvalidArgumentError('advanceClusterTime needs a $clusterTime document whose clusterTime is a Timestamp');
    }
    if (isNewerClusterTime(clusterTime, this.latestClusterTime)) this.latestClusterTime = clusterTime;
  }

  /** Moves the session's operation time forward (never back). */
  advanceOperationTime(operationTime: Timestamp): void {
    if (!(operationTime instanceof Timestamp)) throw new MongoInvalidArgumentError('advanceOperationTime needs a Timestamp');
    const current = this.latestOperationTime;
    if (current === undefined || compareTimestamps(operationTime, current) > 0) this.latestOperationTime = operationTime;
  }

  /** @internal Records the snapshot time of a snapshot session's first read. */
  recordSnapshotTime(time: Timestamp): void {
    if (this.snapshot && this.snapshotAt === undefined) this.snapshotAt = time;
  }

  /** Whether an operation with this session now belongs to a transaction (starting or in progress). */
  inTransaction(): boolean {
    return this.transaction.isActive;
  }

  /** The transaction state machine's current state. */
  get transactionState(): TransactionState {
    return this.transaction.state;
  }

  /** Pinned to one mongos for the current transaction (sharded clusters only). */
  get isPinned(): boolean {
    return this.transaction.pinnedServer !== undefined || this.transaction.pinnedConnection !== undefined;
  }

  /**
   * Starts a transaction: the next operation with this session begins it on the server.
   * Options not given come from defaultTransactionOptions, then from the client.
   * Throws MongoTransactionError when one is already in progress, or for an unacknowledged write concern.
   * A command error inside the transaction may abort it on the server: committing it then
   * fails with NoSuchTransaction (labelled TransientTransactionError).
   */
  startTransaction(options?: TransactionOptions): void {
    this.assertNotEnded();
    if (this.snapshot) throw new MongoCompatibilityError('Transactions are not supported in snapshot sessions');
    if (this.transaction.isActive) throw new MongoTransactionError('Transaction already in progress');
    const resolved = resolveTransactionOptions(options, this.defaultTransactionOptions, this.owner.transactionDefaults ?? {});
    this.transaction.start(resolved);
    this.server.nextTxnNumber();
  }

  /**
   * Commits the transaction. Nothing is sent when no operation ran in it; calling it again
   * after a commit sends commitTransaction again (with w: majority). A commit failure whose
   * outcome is unknown carries the UnknownTransactionCommitResult label.
   */
  async commitTransaction(options?: EndTransactionOptions): Promise<void> {
    this.assertNotEnded();
    const txn = this.transaction;
    txn.checkCommit();
    const state = txn.state;
    if (state === 'starting' || state === 'committed_empty') {
      txn.markCommitted(true);
      return;
    }
    try {
      await this.transactionCommand('commitTransaction', options);
    } catch (error) {
      labelCommitError(error);
      if (error instanceof MongoError && (error.hasErrorLabel('TransientTransactionError') || error.hasErrorLabel('UnknownTransactionCommitResult'))) {
        txn.unpin();
      }
      throw error;
    } finally {
      txn.markCommitted(false);
      txn.commitNeedsMajority = true;
    }
  }

  /** Aborts the transaction. Server errors are ignored (the server aborts it eventually anyway). */
  async abortTransaction(options?: EndTransactionOptions): Promise<void> {
    await this.abort(options, false);
  }

  /**
   * Drivers ignore abortTransaction errors (transactions spec): the application cannot act on
   * them. endSession alone reports its abort running out of time (CSOT prose test "endSession"),
   * so a caller that set a timeout learns that it was not honoured.
   */
  private async abort(options: EndTransactionOptions | undefined, raiseTimeout: boolean): Promise<void> {
    this.assertNotEnded();
    const txn = this.transaction;
    txn.checkAbort();
    if (txn.state === 'starting') {
      txn.markAborted();
      return;
    }
    try {
      await this.transactionCommand('abortTransaction', options);
    } catch (error) {
      if (raiseTimeout && error instanceof MongoOperationTimeoutError) throw error;
    } finally {
      txn.markAborted();
    }
  }

  /**
   * Runs `callback` in a transaction and commits it, retrying the whole transaction on a
   * TransientTransactionError and the commit on an UnknownTransactionCommitResult, for up
   * to 120 seconds. The callback may therefore run more than once: it must be safe to
   * repeat, must pass this session to every operation, and must let command errors
   * propagate (a swallowed error leaves a transaction the server has aborted).
   * Returns the callback's result.
   *
   * With `timeoutMS` (this call's, else the session's defaultTimeoutMS, else the client's)
   * the whole call, retries included, must finish within it instead of 120 s. The remaining
   * time applies only to operations the callback runs with this session; giving such an
   * operation its own timeoutMS is an error. If the callback fails, abortTransaction gets
   * the whole timeoutMS afresh, so the call may take up to twice timeoutMS.
   */
  async withTransaction<T>(callback: WithTransactionCallback<T, TClient>, options?: TransactionOptions & EndTransactionOptions): Promise<T> {
    if (typeof callback !== 'function') throw new MongoInvalidArgumentError('withTransaction needs a callback function');
    const { timeoutMS, ...transactionOptions } = options ?? {};
    const limit = timeoutMS ?? this.defaultTimeoutMS;
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0)) {
      throw new MongoInvalidArgumentError(`timeoutMS must be a non-negative number, got ${String(limit)}`);
    }
    return runWithTransaction(this, callback, options === undefined ? undefined : transactionOptions, undefined, limit);
  }

  /**
   * The command's context: an explicit timeoutMS, else withTransaction's deadline, else
   * defaultTimeoutMS (undefined: legacy timeouts).
   */
  private async transactionCommand(command: 'commitTransaction' | 'abortTransaction', options: EndTransactionOptions | undefined): Promise<void> {
    const run = this.owner.runTransactionCommand;
    if (run === undefined) throw new MongoCompatibilityError('this client cannot run transactions');
    const explicit = options?.timeoutMS;
    let timeout: TimeoutContext | undefined;
    if (explicit !== undefined) timeout = TimeoutContext.create({ timeoutMS: explicit });
    else if (this.timeoutContext !== undefined) timeout = this.timeoutContext;
    else if (this.defaultTimeoutMS !== undefined) timeout = TimeoutContext.create({ timeoutMS: this.defaultTimeoutMS });
    await run.call(this.owner, this, command, timeout);
  }

  private assertNotEnded(): void {
    if (this.ended) throw new MongoExpiredSessionError('Cannot use a session that has ended');
  }

  /**
   * Ends the session and returns its server session to the pool. Later calls do nothing.
   * An open transaction is aborted first, under `options.timeoutMS`, else the session's
   * defaultTimeoutMS (CSOT "Sessions"); the abort's errors are ignored except running out of
   * that time, which rejects (the session has ended all the same).
   */
  endSession(options?: EndSessionOptions): Promise<void> {
    if (this.ending !== undefined) return this.ending;
    const timeoutMS = options?.timeoutMS;
    if (timeoutMS !== undefined && (typeof timeoutMS !== 'number' || !Number.isFinite(timeoutMS) || timeoutMS < 0)) {
      return Promise.reject(new MongoInvalidArgumentError(`endSession: timeoutMS must be a non-negative number, got ${String(timeoutMS)}`));
    }
    const finishing = this.finish(timeoutMS === undefined ? undefined : { timeoutMS });
    this.ending = finishing.catch(() => undefined);
    return finishing;
  }

  /** An open transaction is aborted first, then the server session goes back to the pool. */
  private async finish(abortOptions: EndTransactionOptions | undefined): Promise<void> {
    try {
      if (this.transaction.isActive) await this.abort(abortOptions, true);
    } finally {
      this.transaction.unpin();
      this.ended = true;
      this.owner.releaseSession(this);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.endSession();
  }
}
