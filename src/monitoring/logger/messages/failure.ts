// How errors appear in log messages (logging spec, "Representing Errors"): every
// detail the error class carries, with any server reply truncated like a document.
import { stringifyDocument } from '../stringify.js';
import type { LoggedFailure } from './log-message.js';
import { withoutUndefined } from './log-message.js';
import { isDocument } from '../../../util/is-document.js';

interface ErrorDetails {
  code?: unknown;
  codeName?: unknown;
  errorLabels?: unknown;
  reply?: unknown;
}

/** The logged form of `error`. */
export function loggedFailure(error: unknown, maxDocumentLength: number): LoggedFailure {
  if (!(error instanceof Error)) return { message: String(error) };
  const details = error as Error & ErrorDetails;
  return withoutUndefined({
    errorName: error.name,
    message: error.message,
    ...serverDetails(details),
    reply: isDocument(details.reply) ? stringifyDocument(details.reply, maxDocumentLength) : undefined,
  });
}

/**
 * A failure of a sensitive command: a server-reported error keeps only code, codeName
 * and errorLabels; a driver-side error (e.g. network) carries no server data and is kept
 * whole (command-logging-and-monitoring spec, "Security").
 */
export function redactedFailure(error: unknown, maxDocumentLength: number): LoggedFailure {
  if (!isServerReported(error)) return loggedFailure(error, maxDocumentLength);
  return withoutUndefined(serverDetails(error as Error & ErrorDetails));
}

/** True when `failure` is the redacted form (no message, no reply). */
export function isRedactedFailure(failure: LoggedFailure): boolean {
  return failure.message === undefined && failure.reply === undefined && failure.errorName === undefined;
}

function serverDetails(details: ErrorDetails): { code?: number; codeName?: string; errorLabels?: readonly string[] } {
  const labels = Array.isArray(details.errorLabels) ? details.errorLabels.filter((label): label is string => typeof label === 'string') : [];
  return {
    code: typeof details.code === 'number' ? details.code : undefined,
    codeName: typeof details.codeName === 'string' ? details.codeName : undefined,
    errorLabels: labels.length > 0 ? labels : undefined,
  };
}

// Server errors carry the server's reply or its numeric code; driver-side errors carry neither.
function isServerReported(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const details = error as Error & ErrorDetails;
  return isDocument(details.reply) || typeof details.code === 'number';
}

