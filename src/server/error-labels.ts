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

/** Adds server-computed labels to a reply (error or writeConcernError) unless it already has some. */
export function addServerErrorLabels(reply: Document, commandName: string, body: Document): void {
  if (reply.errorLabels !== undefined || !isRetryableWrite(commandName, body)) return;
  const code = numberValue(reply.ok) === 0 ? numberValue(reply.code) : numberValue((reply.writeConcernError as Document | undefined)?.code);
  if (code !== undefined && RETRYABLE_WRITE_CODES.has(code)) reply.errorLabels = ['RetryableWriteError'];
}
