// What the mongoses of the simulated sharded cluster know about transactions. A real mongos keeps
// router state per transaction (the shards it sent statements to); a router that never ran a
// statement of a transaction has none, and for commitTransaction can only recover the outcome
// through the recoveryToken (the shard that coordinates the commit). Simulated here over the one
// shared engine: each transaction remembers the router that started it; any other router refuses
// its later statements and answers commit and abort as a mongos without participants would.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { sessionKey } from '../local-sessions.js';
import type { TransactionCoordinates, TransactionTable } from '../transactions/transaction-table.js';

/** The replica set the cluster's one shard runs as, unless MemoryServer.start names another. */
export const SHARD_REPLICA_SET = 'shard0';

/** The one shard's id, named by every recoveryToken (mongos returns { recoveryShardId }). */
export const RECOVERY_SHARD_ID = 'shard0';

interface RoutedTransaction {
  readonly txnNumber: bigint;
  readonly routers: Set<string>;
}

/** Shared by the cluster's routers: which of them holds router state for each session's transaction. */
export class TransactionRouting {
  private readonly bySession = new Map<string, RoutedTransaction>();

  constructor(readonly transactions: TransactionTable) {
    // A session's record goes when the session ends: a long-running server would keep it forever.
    transactions.onSessionsEnded((ended) => {
      if (ended === 'every') this.bySession.clear();
      else for (const key of ended) this.bySession.delete(key);
    });
  }

  /** How many sessions the routers hold transaction state for. */
  get trackedSessions(): number {
    return this.bySession.size;
  }

  /** The transaction at `at` started on `router` (its first statement, startTransaction: true). */
  record(at: TransactionCoordinates, router: string): void {
    const key = sessionKey(at.lsid);
    if (key === undefined) return;
    const known = this.bySession.get(key);
    if (known?.txnNumber === at.txnNumber) known.routers.add(router);
    else this.bySession.set(key, { txnNumber: at.txnNumber, routers: new Set([router]) });
  }

  /**
   * A later statement of the transaction at `at` on `router`: mongos continues only a transaction
   * it started (drivers pin a transaction to its first mongos); any other fails NoSuchTransaction.
   */
  continueOn(at: TransactionCoordinates, router: string): void {
    if (this.participated(at, router)) return;
    throw new CommandError(
      ErrorCodes.NoSuchTransaction,
      `Cannot continue transaction ${at.txnNumber} on this router (${router}): it has no record of it; the transaction was started on another mongos`,
    );
  }

  /** Whether `router` ran a statement of the transaction at `at` (it holds router state for it). */
  participated(at: TransactionCoordinates, router: string): boolean {
    const key = sessionKey(at.lsid);
    const known = key === undefined ? undefined : this.bySession.get(key);
    return known?.txnNumber === at.txnNumber && known.routers.has(router);
  }

  /**
   * commitTransaction or abortTransaction reached a router that ran none of the transaction's
   * statements. Returns normally when the engine should then run the command (a commit recovered
   * through the recoveryToken of a transaction the engine already committed or aborted); throws
   * the mongos's error otherwise.
   */
  endOnAnotherRouter(commandName: string, command: Document, at: TransactionCoordinates): void {
    const state = this.transactions.stateOf(at);
    if (commandName === 'commitTransaction') {
      const token: unknown = command.recoveryToken;
      if (typeof token !== 'object' || token === null || Array.isArray(token)) {
        throw new CommandError(ErrorCodes.NoSuchTransaction, 'Cannot commit without participants: no recoveryToken was given to a router that did not run the transaction');
      }
      // The coordinating shard has no commit decision for a transaction whose commit never
      // started: mongos reports NoSuchTransaction and the shard aborts it.
      if (state === 'inProgress') {
        this.transactions.abort(at);
        throw new CommandError(ErrorCodes.NoSuchTransaction, `Transaction ${at.txnNumber} was not committed: its commit was never started on the coordinating shard`);
      }
      return;
    }
    // mongos refuses abortTransaction without participants; the shard's transaction, abandoned,
    // would be aborted once it expires: done at once here so it holds no locks meanwhile.
    if (state === 'inProgress') this.transactions.abort(at);
    throw new CommandError(ErrorCodes.NoSuchTransaction, 'no known command has been sent by this router for this transaction');
  }

  clear(): void {
    this.bySession.clear();
  }
}
