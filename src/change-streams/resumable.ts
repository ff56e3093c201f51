// Which errors a change stream resumes from (change-streams spec, "Resumable Error").
// Only getMore errors are candidates: the caller never asks about an aggregate's.
import { MongoNetworkError, MongoServerError } from '../errors.js';

const CURSOR_NOT_FOUND = 43;

/** Wire version 9 (4.4): the server labels resumable errors itself. */
const LABELS_FROM_WIRE_VERSION = 9;

/** The allow list for servers that do not label (wire version < 9). */
const RESUMABLE_CODES_BEFORE_LABELS: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  63, // StaleShardVersion
  150, // StaleEpoch
  13388, // StaleConfig
  234, // RetryChangeStream
  133, // FailedToSatisfyReadPreference
]);

/**
 * `maxWireVersion` is that of the server the failed getMore ran on, as known before the
 * command (the spec forbids re-reading it after the failure).
 */
export function isResumableChangeStreamError(error: unknown, maxWireVersion: number): boolean {
  // Network errors and timeouts: the spec's "any error which is not a server error"; driver
  // API errors (a closed client, bad input) are not transient and are excluded.
  if (error instanceof MongoNetworkError) return true;
  if (!(error instanceof MongoServerError)) return false;
  if (error.code === CURSOR_NOT_FOUND) return true;
  if (maxWireVersion >= LABELS_FROM_WIRE_VERSION) return error.hasErrorLabel('ResumableChangeStreamError');
  return error.code !== undefined && RESUMABLE_CODES_BEFORE_LABELS.has(error.code);
}
