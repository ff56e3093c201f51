// How a Client's sessions send commitTransaction / abortTransaction: through the one executor.
import type { ClientSession, TransactionCommandName, TransactionDefaults } from '../sessions/index.js';
import type { Executor } from './executor.js';
import type { Resolved } from './inheritance.js';
import { EndTransactionOperation } from './operations/end-transaction.js';

export async function runTransactionCommand(executor: Executor, session: ClientSession<unknown>, command: TransactionCommandName): Promise<void> {
  const maxCommitTimeMS = command === 'commitTransaction' ? session.transaction.options?.maxCommitTimeMS : undefined;
  await executor.execute(new EndTransactionOperation(command, session, maxCommitTimeMS));
}

/** The client-level concerns a transaction inherits. */
export function transactionDefaultsOf(level: Resolved): TransactionDefaults {
  return { readConcern: level.readConcern, writeConcern: level.writeConcern, readPreference: level.readPreference };
}
