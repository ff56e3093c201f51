// The errors after which a driver may resume a change stream: mongod labels
// them ResumableChangeStreamError itself when a change stream's getMore fails
// with one (a failCommand error carries only the labels its data names).
import { CommandError } from '../command-error.js';

/** Network, not-primary, shutdown, retriable and stale-routing errors (mongod's categories). */
const RESUMABLE_CODES = new Set([
  6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133,
]);

export function labelResumableError(error: unknown): unknown {
  if (!(error instanceof CommandError) || !RESUMABLE_CODES.has(error.code) || error.extra.errorLabels !== undefined) return error;
  return new CommandError(error.code, error.message, { ...error.extra, errorLabels: ['ResumableChangeStreamError'] });
}
