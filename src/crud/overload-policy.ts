// The client-backpressure spec's overload retry policy: a command the server shed with
// a retryable overload error (labels SystemOverloadedError + RetryableError) did no work,
// so it is retried — up to maxAdaptiveRetries times, after an exponential backoff with
// jitter — whatever the read/write retry policies say, in transactions too.
import { MongoError, MongoServerError } from '../errors.js';
import type { Operation } from './operations/operation.js';

export const SYSTEM_OVERLOADED_ERROR = 'SystemOverloadedError';
export const RETRYABLE_ERROR = 'RetryableError';
/** MAX_RETRIES when the client sets no maxAdaptiveRetries. */
export const DEFAULT_MAX_ADAPTIVE_RETRIES = 2;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 10_000;

export interface OverloadSettings {
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
  readonly maxAdaptiveRetries?: number;
}

export function isOverloadError(error: unknown): error is MongoError {
  return error instanceof MongoError && error.hasErrorLabel(SYSTEM_OVERLOADED_ERROR);
}

export function isRetryableOverloadError(error: unknown): error is MongoError {
  return isOverloadError(error) && error.hasErrorLabel(RETRYABLE_ERROR);
}

/**
 * Whether the attempt that failed with `error` may be retried under the overload policy.
 * `retriesSoFar` is how many retries (of any policy) the operation already made.
 */
export function shouldRetryOverload(operation: Operation<unknown>, error: unknown, retriesSoFar: number, settings: OverloadSettings): boolean {
  if (!isRetryableOverloadError(error)) return false;
  if (retriesSoFar >= (settings.maxAdaptiveRetries ?? DEFAULT_MAX_ADAPTIVE_RETRIES)) return false;
  const caps = operation.capabilities;
  // commitTransaction / abortTransaction are retried whatever retryWrites says (transactions spec).
  if (caps.endsTransaction === true) return true;
  if (caps.kind === 'write') return settings.retryWrites;
  if (caps.kind === 'read') return settings.retryReads;
  // runCommand and other commands: both must be on (client-backpressure spec).
  return settings.retryReads && settings.retryWrites;
}

/** jitter × min(MAX_BACKOFF, base × 2^retry); the server may supply the base as baseBackoffMS. */
export function overloadBackoffMS(error: unknown, retryNumber: number, random: () => number = Math.random): number {
  const fromServer: unknown = error instanceof MongoServerError ? error.reply.baseBackoffMS : undefined;
  const base = typeof fromServer === 'number' && fromServer > 0 ? fromServer : BASE_BACKOFF_MS;
  return random() * Math.min(MAX_BACKOFF_MS, base * 2 ** retryNumber);
}
