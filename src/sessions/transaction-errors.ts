// Error labels the driver itself adds in transactions (transactions spec, "Error Labels").
import { MongoError, MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoWriteConcernError } from '../errors.js';

export const TRANSIENT_TRANSACTION_ERROR = 'TransientTransactionError';
export const UNKNOWN_TRANSACTION_COMMIT_RESULT = 'UnknownTransactionCommitResult';

const MAX_TIME_MS_EXPIRED = 50;
const WRITE_CONCERN_FAILED = 64;
/** Write concern errors that say the write concern itself is invalid: a retry would fail the same way. */
const INVALID_WRITE_CONCERN_CODES: ReadonlySet<number> = new Set([100 /* UnsatisfiableWriteConcern */, 79 /* UnknownReplWriteConcern */]);

/** The server gave up on maxTimeMS, reported at the top level or as the writeConcernError. */
export function isMaxTimeMSExpired(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  if (error.code === MAX_TIME_MS_EXPIRED || error.codeName === 'MaxTimeMSExpired') return true;
  const wce: unknown = error.reply.writeConcernError;
  return typeof wce === 'object' && wce !== null && (wce as { code?: unknown }).code === MAX_TIME_MS_EXPIRED;
}

function isWriteConcernFailure(error: MongoError): boolean {
  if (error instanceof MongoWriteConcernError) return error.code === undefined || !INVALID_WRITE_CONCERN_CODES.has(error.code);
  return error instanceof MongoServerError && error.code === WRITE_CONCERN_FAILED;
}

/**
 * A failed commitTransaction whose outcome the application cannot know: server selection
 * and network errors, retryable write errors, MaxTimeMSExpired, and write concern failures
 * other than an invalid write concern.
 */
export function isUnknownCommitResult(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) return true;
  if (error.hasErrorLabel('RetryableWriteError')) return true;
  return isMaxTimeMSExpired(error) || isWriteConcernFailure(error);
}

export function labelCommitError(error: unknown): void {
  if (error instanceof MongoError && isUnknownCommitResult(error)) error.addErrorLabel(UNKNOWN_TRANSACTION_COMMIT_RESULT);
}

/** Network and server selection errors in a transaction (but not on commit) mean the whole transaction may be retried. */
export function isTransientInTransaction(error: unknown): error is MongoError {
  return error instanceof MongoNetworkError || error instanceof MongoServerSelectionError;
}
