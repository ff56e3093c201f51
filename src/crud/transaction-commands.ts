// How a Client's sessions send commitTransaction / abortTransaction: through the one executor.
import type { TimeoutContext } from '../connection/timeout-context.js';
import type { ClientSession, TransactionCommandName, TransactionDefaults } from '../sessions/index.js';
import type { Executor } from './executor.js';
import type { Resolved } from './inheritance.js';
import { EndTransactionOperation } from './operations/end-transaction.js';

/** `timeout`: the command's CSOT context (its maxTimeMS then replaces maxCommitTimeMS). */
export async function runTransactionCommand(executor: Executor, session: ClientSession<unknown>, command: TransactionCommandName, timeout?: TimeoutContext): Promise<void> {
  const maxCommitTimeMS = command === 'commitTransaction' ? session.transaction.options?.maxCommitTimeMS : undefined;
  await executor.execute(new EndTransactionOperation(command, session, maxCommitTimeMS), timeout === undefined ? undefined : { timeout });
}

/** The client-level concerns a transaction inherits. */
export function transactionDefaultsOf(level: Resolved): TransactionDefaults {
  return { readConcern: level.readConcern, writeConcern: level.writeConcern, readPreference: level.readPreference };
}
