// Retryable reads and writes (retryable-reads / retryable-writes specs) as pure
// decisions over the explicit retry state the executor keeps.
import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoPoolClearedError,
  MongoServerError,
  MongoWriteConcernError,
  MongoWriteError,
} from '../errors.js';
import { isUnacknowledged } from './concerns.js';
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
  /**
   * That server's description when it was selected: a failure may since have marked it
   * Unknown, but the retry decision is about the server the attempt ran on.
   */
  serverDescription: ServerHandle['description'] | undefined;
  /** The session the operation runs in: its explicit one, or the implicit one the hooks chose. */
  session: unknown;
  /** The caller takes over an implicit session after success (ExecuteOptions.keepSession). */
  readonly keepSession: boolean;
  /** Whether the latest attempt sent its command: an error before that performed no write. */
  commandSent: boolean;
  /** The current attempt retries a retryable overload error (client-backpressure spec), not a retryable read/write. */
  overloadRetry?: boolean;
  /** CSOT: timeoutMS applies, so retryable errors are retried until the deadline, not just once. */
  retryUntilDeadline?: boolean;
}

export const RETRYABLE_CODES: ReadonlySet<number> = new Set([262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001]);

export function isRetryableReadError(error: unknown): boolean {
  if (error instanceof MongoPoolClearedError || error instanceof MongoNetworkError) return true;
  if (error instanceof MongoError && error.hasErrorLabel('RetryableError')) return true;
  return error instanceof MongoServerError && error.code !== undefined && RETRYABLE_CODES.has(error.code);
}

/**
 * Whether the driver itself judges a write error retryable: network (and pool-cleared)
 * errors always; server errors only from pre-4.4 servers, by top-level code or a mongod's
 * writeConcernError code. Write errors (writeErrors[]) never count. Servers 4.4+ label
 * their own errors, so an unlabelled server error from them is not retryable.
 */
export function isRetryableWriteError(error: unknown, maxWireVersion: number, serverType?: string): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.hasErrorLabel('RetryableWriteError')) return true;
  if (error instanceof MongoNetworkError) return true;
  if (maxWireVersion >= 9 || !(error instanceof MongoServerError)) return false;
  if (error instanceof MongoWriteError || error instanceof MongoBulkWriteError || error instanceof MongoClientBulkWriteError) return false;
  if (error instanceof MongoWriteConcernError && serverType === 'Mongos') return false;
  return error.code !== undefined && RETRYABLE_CODES.has(error.code);
}

/** Retryable writes need sessions on the server (not a standalone) and a txnNumber. */
export function serverSupportsRetryableWrites(server: Pick<ServerHandle, 'description'>): boolean {
  const d = server.description;
  // A load balancer's description stays bare (no wire version, no session timeout): load-balanced
  // deployments are 5.0+ mongoses, which all support retryable writes.
  if (d.type === 'LoadBalancer') return true;
  return d.type !== 'Standalone' && d.maxWireVersion >= 6 && d.logicalSessionTimeoutMinutes !== undefined && d.logicalSessionTimeoutMinutes !== null;
}

export interface RetrySettings {
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
  /** Session hooks that give retryable writes their txnNumber; without them writes are never retried. */
  readonly hooks?: { readonly decorate?: unknown };
}


/**
 * Whether this attempt of a write runs as a retryable write: retryWrites on, an eligible
 * operation outside a transaction, a server that supports it, and a txnNumber — or, when
 * the attempt failed before sending (checkout, handshake), an acknowledged write that
 * would have been given one.
 */
function runsAsRetryableWrite(
  operation: Operation<unknown>,
  state: RetryState,
  settings: RetrySettings,
  inTransaction: boolean,
): state is RetryState & { serverDescription: ServerHandle['description'] } {
  // commitTransaction / abortTransaction are retryable writes whatever retryWrites says; nothing else in a transaction is.
  const endsTransaction = operation.capabilities.endsTransaction === true;
  if (!endsTransaction && (!settings.retryWrites || inTransaction)) return false;
  if (!operation.capabilities.retryable || operation.capabilities.kind !== 'write') return false;
  const description = state.serverDescription;
  if (description === undefined || !serverSupportsRetryableWrites({ description })) return false;
  if (state.txnNumber !== undefined) return true;
  return !state.commandSent && settings.hooks?.decorate !== undefined && !isUnacknowledged(operation.writeConcern);
}

/**
 * Whether the failed attempt described by `state` should be tried once more. A retryable
 * write's error gets the RetryableWriteError label here (on every attempt, so a failed
 * retry carries it too) when the driver is the one that must add it.
 */
export function shouldRetry(operation: Operation<unknown>, state: RetryState, error: unknown, settings: RetrySettings, inTransaction: boolean): boolean {
  if (operation.capabilities.kind === 'write') {
    if (!runsAsRetryableWrite(operation, state, settings, inTransaction)) return false;
    const description = state.serverDescription;
    if (error instanceof MongoError && isRetryableWriteError(error, description.maxWireVersion, description.type)) error.addErrorLabel('RetryableWriteError');
    return (state.attempt === 0 || state.retryUntilDeadline === true) && error instanceof MongoError && error.hasErrorLabel('RetryableWriteError');
  }
  if ((state.attempt > 0 && state.retryUntilDeadline !== true) || inTransaction || !operation.capabilities.retryable) return false;
  return settings.retryReads && isRetryableReadError(error);
}

export const UNSUPPORTED_RETRYABLE_WRITES_MESSAGE = 'This MongoDB deployment does not support retryable writes. Please add retryWrites=false to your connection string.';

/** MMAPv1 rejects txnNumber with IllegalOperation (20) "Transaction numbers…": say what to do instead. */
export function rewriteUnsupportedRetryableWrite(error: unknown, state: RetryState): void {
  if (state.txnNumber === undefined || !(error instanceof MongoServerError) || error.code !== 20) return;
  if (error.message.startsWith('Transaction numbers')) error.message = UNSUPPORTED_RETRYABLE_WRITES_MESSAGE;
}

/** Sharded clusters retry on another mongos; other topologies only move away from an overloaded server. */
export function deprioritizeAfter(topologyType: TopologyTypeName, error: unknown): boolean {
  return topologyType === 'Sharded' || (error instanceof MongoError && error.hasErrorLabel('SystemOverloadedError'));
}

/** A server error labelled NoWritesPerformed, or any error raised before the command was sent. */
export function performedNoWrite(error: unknown, commandSent: boolean): boolean {
  return !commandSent || (error instanceof MongoError && error.hasErrorLabel('NoWritesPerformed'));
}

/**
 * Which error a failed operation reports (retryable-writes spec): the latest error that
 * indicates a write was attempted; when none does, the first error.
 * `previous` is the error reported so far (undefined on the first attempt).
 */
export function errorToReport(previous: ReportedError | undefined, current: unknown, commandSent: boolean): ReportedError {
  const noWrite = performedNoWrite(current, commandSent);
  if (previous === undefined || !noWrite) return { error: current, noWrite };
  return previous;
}

export interface ReportedError {
  readonly error: unknown;
  /** The error shows no write was attempted. */
  readonly noWrite: boolean;
}
