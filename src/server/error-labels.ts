// Error labels a 4.4+ server attaches itself: RetryableWriteError on a
// retryable error of a retryable write (a write with txnNumber outside a
// transaction, or commitTransaction/abortTransaction). Labels a failpoint sets
// explicitly replace these, as on a real server.
import type { Document } from '../bson.js';
import { numberValue } from './failpoints/failpoint.js';

const RETRYABLE_WRITE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'bulkWrite']);

function isRetryableWrite(commandName: string, body: Document): boolean {
  if (commandName === 'commitTransaction' || commandName === 'abortTransaction') return true;
  return WRITE_COMMANDS.has(commandName) && body.txnNumber !== undefined && body.autocommit === undefined;
}

/** WriteConflict, LockTimeout, PreparedTransactionInProgress, SnapshotTooOld, SnapshotUnavailable: retrying the transaction may succeed. */
const TRANSIENT_TRANSACTION_CODES = new Set([112, 24, 267, 239, 246]);
const NO_SUCH_TRANSACTION = 251;

/**
 * mongod's isTransientTransactionError, for a failed command inside a transaction:
 * commit and abort are transient only on NoSuchTransaction without a writeConcernError.
 */
function isTransientTransactionError(reply: Document, commandName: string, body: Document): boolean {
  if (body.autocommit === undefined || body.txnNumber === undefined || numberValue(reply.ok) !== 0) return false;
  const code = numberValue(reply.code);
  if (code === undefined) return false;
  if (TRANSIENT_TRANSACTION_CODES.has(code)) return true;
  if (commandName === 'commitTransaction' || commandName === 'abortTransaction') return code === NO_SUCH_TRANSACTION && reply.writeConcernError === undefined;
  return code === NO_SUCH_TRANSACTION || RETRYABLE_WRITE_CODES.has(code);
}

/** Adds server-computed labels to a reply (error or writeConcernError) unless it already has some. */
export function addServerErrorLabels(reply: Document, commandName: string, body: Document): void {
  if (reply.errorLabels !== undefined) return;
  if (isTransientTransactionError(reply, commandName, body)) {
    reply.errorLabels = ['TransientTransactionError'];
    return;
  }
  if (!isRetryableWrite(commandName, body)) return;
  const code = numberValue(reply.ok) === 0 ? numberValue(reply.code) : numberValue((reply.writeConcernError as Document | undefined)?.code);
  if (code !== undefined && RETRYABLE_WRITE_CODES.has(code)) reply.errorLabels = ['RetryableWriteError'];
}
