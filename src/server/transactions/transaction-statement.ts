// Runs one command in its session's transaction: the first statement starts it,
// later ones continue it, each with the transaction's storage in place of the
// server's. A statement that fails (an error reply, a write error or a write
// conflict) aborts the transaction, as on mongod.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { txnNumberOf } from '../replication/retryable-write-history.js';
import type { CommandContext } from '../types.js';
import { documentsWrittenBy, waitForTransactions, type WaitOptions } from './lock-wait.js';
import { coordinatesOf, endsTransaction, isTransactionStatement } from './transaction-arguments.js';
import { TransactionStorage } from './transaction-storage.js';
import type { TransactionTable } from './transaction-table.js';
import { collectionsWrittenBy } from './written-collections.js';

/** Databases a transaction may not touch (mongod keeps its own state there). */
const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

export type RunCommand = (context: CommandContext) => Promise<Document>;

function failedWrites(reply: Document): boolean {
  const writeErrors: unknown = reply.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return true;
  const nErrors: unknown = reply.nErrors;
  return typeof nErrors === 'number' ? nErrors > 0 : typeof nErrors === 'object' && nErrors !== null && Number(nErrors) > 0;
}

export async function runInSessionTransaction(
  table: TransactionTable,
  commandName: string,
  body: Document,
  context: CommandContext,
  run: RunCommand,
  wait: WaitOptions,
): Promise<Document> {
  if (!isTransactionStatement(body)) {
    const txnNumber = txnNumberOf(body);
    if (txnNumber !== undefined) table.observeRetryableWrite(body.lsid, txnNumber);
    if (table.holdsClaims) {
      await waitForTransactions(table, () => documentsWrittenBy(commandName, body, context.dbName, context.server.storage), wait);
    }
    if (table.hasOpenTransactions) table.preserveSnapshots(collectionsWrittenBy(commandName, body, context.dbName, context.server.storage));
    return run(context);
  }
  if (endsTransaction(commandName)) return run(context);
  // bulkWrite is an admin command; its namespaces are in its ops.
  if (INTERNAL_DATABASES.has(context.dbName) && commandName !== 'bulkWrite') {
    throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot run command against the '${context.dbName}' database in a transaction.`);
  }
  const at = coordinatesOf(body);
  const transaction = body.startTransaction === true ? table.begin(at, context.server.storage) : table.continue(at);
  const storage = new TransactionStorage(context.server.storage, transaction);
  let reply: Document;
  try {
    reply = await run({ ...context, server: { ...context.server, storage } });
  } catch (error) {
    table.abortOnFailure(transaction);
    throw error;
  }
  if (transaction.conflict !== undefined) {
    table.abortOnFailure(transaction);
    throw transaction.conflict;
  }
  if (failedWrites(reply)) table.abortOnFailure(transaction);
  return reply;
}
