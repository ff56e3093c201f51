// The transaction fields of a command (autocommit, startTransaction, and what
// readConcern / writeConcern may be inside a transaction), checked before it
// runs as mongod's initializeOperationSessionInfo and command invocation do.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { txnNumberOf } from '../replication/retryable-write-history.js';
import type { TransactionCoordinates } from './transaction-table.js';

/** mongod's allowlist of commands a multi-document transaction may run. */
const ALLOWED_IN_TRANSACTION = new Set([
  'abortTransaction', 'aggregate', 'bulkWrite', 'commitTransaction', 'create', 'createIndexes', 'delete', 'distinct',
  'find', 'findAndModify', 'findandmodify', 'getMore', 'insert', 'killCursors', 'update',
]);

/** Aggregation stages mongod refuses inside a transaction. */
const STAGES_NOT_IN_TRANSACTION = new Set([
  '$out', '$merge', '$changeStream', '$collStats', '$currentOp', '$indexStats', '$listLocalSessions', '$listSessions', '$planCacheStats',
]);

const TRANSACTION_READ_CONCERN_LEVELS = new Set(['local', 'majority', 'snapshot']);

/** Commands that end a transaction; they take a writeConcern. */
export function endsTransaction(commandName: string): boolean {
  return commandName === 'commitTransaction' || commandName === 'abortTransaction';
}

/** Whether the command carries transaction fields. */
export function isTransactionStatement(body: Document): boolean {
  return body.autocommit !== undefined || body.startTransaction !== undefined;
}

function invalid(message: string): CommandError {
  return new CommandError(ErrorCodes.InvalidOptions, message);
}

/** Throws for transaction fields mongod refuses; `hasTxnNumber` was already type-checked. */
export function checkTransactionFields(commandName: string, body: Document): void {
  const { autocommit, startTransaction } = body;
  if (autocommit === undefined) throw invalid("'startTransaction' field requires 'autocommit' field to also be specified");
  if (typeof autocommit !== 'boolean') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'OperationSessionInfo.autocommit' is the wrong type, expected type 'bool'`);
  }
  if (autocommit) throw invalid('Specifying autocommit=true is not allowed.');
  if (body.txnNumber === undefined) throw invalid("'autocommit' field requires a transaction number to also be specified");
  if (startTransaction !== undefined && startTransaction !== true) throw invalid('Specifying startTransaction=false is not allowed.');
  if (!ALLOWED_IN_TRANSACTION.has(commandName)) {
    throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot run '${commandName}' in a multi-document transaction.`);
  }
  if (endsTransaction(commandName)) return;
  if (commandName === 'aggregate') checkPipeline(body.pipeline);
  if (body.writeConcern !== undefined) throw invalid('writeConcern is not allowed within a multi-statement transaction');
  const readConcern: unknown = body.readConcern;
  if (readConcern === undefined) return;
  if (startTransaction !== true) throw invalid('Only the first command in a transaction may specify a readConcern');
  const level = (readConcern as Document).level;
  if (level !== undefined && !TRANSACTION_READ_CONCERN_LEVELS.has(String(level))) {
    throw invalid(`The readConcern level must be either 'local' (default), 'majority' or 'snapshot' in order to run in a transaction`);
  }
}

function checkPipeline(pipeline: unknown): void {
  if (!Array.isArray(pipeline)) return;
  for (const stage of pipeline as unknown[]) {
    const name = typeof stage === 'object' && stage !== null ? Object.keys(stage)[0] : undefined;
    if (name !== undefined && STAGES_NOT_IN_TRANSACTION.has(name)) {
      throw new CommandError(
        ErrorCodes.OperationNotSupportedInTransaction,
        `Operation not permitted in transaction :: caused by :: Stage not supported inside of a multi-document transaction: ${name}`,
      );
    }
  }
}

/** The command's session and txnNumber (checked before: both present and well-typed). */
export function coordinatesOf(body: Document): TransactionCoordinates {
  const txnNumber = txnNumberOf(body);
  const lsid: unknown = body.lsid;
  if (txnNumber === undefined || typeof lsid !== 'object' || lsid === null) {
    throw invalid('Transaction commands require lsid and txnNumber');
  }
  return { lsid: lsid as Document, txnNumber };
}

