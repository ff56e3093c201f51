// Retryable reads and writes (retryable-reads / retryable-writes specs) as pure
// decisions over the explicit retry state the executor keeps.
import { MongoError, MongoNetworkError, MongoPoolClearedError, MongoServerError } from '../errors.js';
import type { Operation } from './operations/operation.js';
import type { ServerHandle, TopologyTypeName } from './target.js';

/** Everything one operation's attempts share. Hooks (sessions) may read and set txnNumber. */
export interface RetryState {
  /** 0 for the first attempt, 1 for the retry. */
  attempt: number;
  /** The error of the previous attempt, if any. */
  lastError: unknown;
  /** Servers to avoid on the next selection. */
  readonly deprioritized: ServerHandle[];
  /** The transaction number reused by every attempt of a retryable write (set by the session hooks). */
  txnNumber: unknown;
  /** Shared by every command this operation sends (monitoring's operationId). */
  readonly operationId: number;
  /** The server of the latest attempt. */
  server: ServerHandle | undefined;
  /** The session the operation runs in: its explicit one, or the implicit one the hooks chose. */
  session: unknown;
  /** The caller takes over an implicit session after success (ExecuteOptions.keepSession). */
  readonly keepSession: boolean;
}

export const RETRYABLE_CODES: ReadonlySet<number> = new Set([262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001]);

export function isRetryableReadError(error: unknown): boolean {
  if (error instanceof MongoPoolClearedError || error instanceof MongoNetworkError) return true;
  if (error instanceof MongoError && error.hasErrorLabel('RetryableError')) return true;
  return error instanceof MongoServerError && error.code !== undefined && RETRYABLE_CODES.has(error.code);
}

/** Servers 4.4+ label retryable write errors themselves; older ones are judged by code. */
export function isRetryableWriteError(error: unknown, maxWireVersion: number): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.hasErrorLabel('RetryableWriteError')) return true;
  if (error instanceof MongoNetworkError) return true;
  if (maxWireVersion >= 9) return false;
  return error instanceof MongoServerError && error.code !== undefined && RETRYABLE_CODES.has(error.code);
}

/** Retryable writes need sessions on the server (not a standalone) and a txnNumber. */
export function serverSupportsRetryableWrites(server: ServerHandle): boolean {
  const d = server.description;
  return d.type !== 'Standalone' && d.maxWireVersion >= 6 && d.logicalSessionTimeoutMinutes !== undefined && d.logicalSessionTimeoutMinutes !== null;
}

export interface RetrySettings {
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
}

/**
 * Whether the failed attempt described by `state` should be tried once more.
 * Network errors on writes get the RetryableWriteError label here, where the decision is made.
 */
export function shouldRetry(operation: Operation<unknown>, state: RetryState, error: unknown, settings: RetrySettings, inTransaction: boolean): boolean {
  if (state.attempt > 0 || inTransaction || !operation.capabilities.retryable) return false;
  const kind = operation.capabilities.kind;
  if (kind === 'write') {
    if (!settings.retryWrites || state.txnNumber === undefined || state.server === undefined) return false;
    if (!serverSupportsRetryableWrites(state.server)) return false;
    const retryable = isRetryableWriteError(error, state.server.description.maxWireVersion);
    if (retryable && error instanceof MongoError) error.addErrorLabel('RetryableWriteError');
    return retryable;
  }
  return settings.retryReads && isRetryableReadError(error);
}

/** Sharded clusters retry on another mongos; other topologies only move away from an overloaded server. */
export function deprioritizeAfter(topologyType: TopologyTypeName, error: unknown): boolean {
  return topologyType === 'Sharded' || (error instanceof MongoError && error.hasErrorLabel('SystemOverloadedError'));
}

/** Which error a failed retry reports: the first one if the retry performed no writes. */
export function errorToReport(previous: unknown, current: unknown): unknown {
  if (current instanceof MongoError && current.hasErrorLabel('NoWritesPerformed') && previous !== undefined) return previous;
  return current;
}
