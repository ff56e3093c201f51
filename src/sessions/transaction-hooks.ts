// The executor hooks' transaction part (transactions spec, "Constructing commands within
// a transaction"): every statement gets txnNumber and autocommit: false; only the first
// gets startTransaction and the transaction's readConcern (with afterClusterTime); only
// commit/abort get the writeConcern. Also: the read preference check, the error labels
// the driver adds, and mongos pinning.
import type { Document } from '../bson.js';
import { MongoError, MongoTransactionError } from '../errors.js';
import type { ClientSession } from './client-session.js';
import type { SessionOperation, SessionRetryState, SessionServer } from './client-sessions.js';
import { TRANSIENT_TRANSACTION_ERROR, isTransientInTransaction, isUnknownCommitResult } from './transaction-errors.js';
import type { Transaction } from './transaction.js';

/** The write concern a retried commit uses when the transaction's sets no wtimeout. */
const RETRY_COMMIT_WTIMEOUT_MS = 10_000;

function isRead(operation: SessionOperation): boolean {
  const caps = operation.capabilities;
  if (caps.mustUseSameServer) return false;
  return caps.kind === 'read' || (caps.kind === 'command' && caps.readPreferenceAllowed === true);
}

function isRetryableOverload(error: unknown): boolean {
  return error instanceof MongoError && error.hasErrorLabel('SystemOverloadedError') && error.hasErrorLabel('RetryableError');
}

function endsTransaction(operation: SessionOperation): boolean {
  return operation.capabilities.endsTransaction === true;
}

export class TransactionHooks {
  /** Attempts that sent a transaction's first command (startTransaction: true). */
  private readonly starters = new WeakSet<SessionRetryState>();

  /** Before the first attempt: leave a finished transaction behind, and check the read preference. */
  begin(operation: SessionOperation, session: ClientSession<unknown>): void {
    if (endsTransaction(operation)) return;
    const txn = session.transaction;
    txn.resetAfterEnd();
    if (!txn.isActive) {
      // A non-transactional operation unpins the session (sharded transactions).
      txn.unpin();
      return;
    }
    if (!isRead(operation)) return;
    const mode = operation.readPreference?.mode ?? txn.options?.readPreference.mode ?? 'primary';
    if (mode !== 'primary') throw new MongoTransactionError(`Read preference in a transaction must be primary, not: ${mode}`);
  }

  /** Whether the operation's command is built as part of a transaction. */
  applies(operation: SessionOperation, session: ClientSession<unknown>): boolean {
    return session.inTransaction() || endsTransaction(operation);
  }

  decorate(body: Document, operation: SessionOperation, state: SessionRetryState, session: ClientSession<unknown>, server: SessionServer, topologyType: string): void {
    const txn = session.transaction;
    const txnNumber = session.serverSession.txnNumber;
    state.txnNumber = txnNumber;
    body.txnNumber = txnNumber;
    delete body.readConcern;
    delete body.writeConcern;
    if (endsTransaction(operation)) {
      const writeConcern = this.endWriteConcern(operation, txn);
      if (writeConcern !== undefined) body.writeConcern = writeConcern;
      if (txn.recoveryToken !== undefined) body.recoveryToken = txn.recoveryToken;
    } else if (txn.state === 'starting') {
      body.startTransaction = true;
      const readConcern = this.startReadConcern(session, txn);
      if (readConcern !== undefined) body.readConcern = readConcern;
      txn.markInProgress();
      this.starters.add(state);
      if (topologyType === 'Sharded' || topologyType === 'LoadBalanced') txn.pinnedServer = server;
    }
    body.autocommit = false;
  }

  observeReply(reply: Document, session: ClientSession<unknown>): void {
    const token: unknown = reply.recoveryToken;
    if (session.transaction.isActive && typeof token === 'object' && token !== null && !Array.isArray(token)) session.transaction.recoveryToken = token as Document;
  }

  attemptFailed(error: unknown, operation: SessionOperation, state: SessionRetryState, session: ClientSession<unknown>, clientSide: boolean): void {
    const txn = session.transaction;
    if (this.starters.has(state)) {
      this.starters.delete(state);
      // Client-side errors must not change the transaction state, and a command the server shed
      // for overload did no work (client-backpressure spec): either way the next attempt starts it.
      if (clientSide || isRetryableOverload(error)) txn.revertToStarting();
    }
    if (endsTransaction(operation)) {
      // A retry of commit/abort selects a server afresh: the pinned mongos may be gone.
      if (operation.commandName === 'abortTransaction' || isUnknownCommitResult(error)) txn.unpin();
      // After an overload error the server did no work: the commit retry keeps the write concern.
      if (operation.commandName === 'commitTransaction' && !isRetryableOverload(error)) txn.commitNeedsMajority = true;
      return;
    }
    if (!txn.isActive) return;
    if (isTransientInTransaction(error)) error.addErrorLabel(TRANSIENT_TRANSACTION_ERROR);
    if (error instanceof MongoError && error.hasErrorLabel(TRANSIENT_TRANSACTION_ERROR)) txn.unpin();
  }

  /**
   * Load-balanced mode: the connection the transaction's first command was sent on becomes
   * the transaction's (true: the caller must not check it in; the transaction releases it).
   */
  adoptConnection(operation: SessionOperation, session: ClientSession<unknown>, connection: unknown, release: () => void): boolean {
    const txn = session.transaction;
    if (txn.pinnedServer === undefined || !(txn.isActive || endsTransaction(operation))) return false;
    if (txn.pinnedConnection !== undefined) return txn.pinnedConnection.connection === connection;
    txn.pinConnection({ connection, release });
    return true;
  }

  /** The connection a load-balanced transaction is pinned to, for its later commands. */
  pinnedConnection(operation: SessionOperation, session: ClientSession<unknown>): unknown {
    const txn = session.transaction;
    if (!txn.isActive && !(endsTransaction(operation) && txn.isCommitted)) return undefined;
    return txn.pinnedConnection?.connection;
  }

  /** Commands of a pinned (sharded) transaction go to its mongos; commit/abort retries may go elsewhere. */
  pinnedServer(operation: SessionOperation, session: ClientSession<unknown>): unknown {
    const txn = session.transaction;
    if (!txn.isActive && !(endsTransaction(operation) && txn.isCommitted)) return undefined;
    return txn.pinnedServer;
  }

  /** The transaction's readConcern (only if set) and, in a causally consistent session, afterClusterTime. */
  private startReadConcern(session: ClientSession<unknown>, txn: Transaction): Document | undefined {
    const readConcern: Document = { ...(txn.options?.readConcern ?? {}) };
    const operationTime = session.operationTime;
    if (session.causalConsistency && operationTime !== undefined) readConcern.afterClusterTime = operationTime;
    return Object.keys(readConcern).length === 0 ? undefined : readConcern;
  }

  /** A commit attempted before (a retry, or the application committing again) uses w: majority, with a wtimeout. */
  private endWriteConcern(operation: SessionOperation, txn: Transaction): Document | undefined {
    const writeConcern = txn.options?.writeConcern;
    if (operation.commandName !== 'commitTransaction' || !txn.commitNeedsMajority) return writeConcern;
    const majority: Document = { ...(writeConcern ?? {}), w: 'majority' };
    if (majority.wtimeout === undefined) majority.wtimeout = RETRY_COMMIT_WTIMEOUT_MS;
    return majority;
  }
}
