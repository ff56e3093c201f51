// Connection pool options (CMAP "Connection Pool Options"), their defaults and validation,
// and the contract between the pool and the connections it manages.
import type { Document, ObjectId } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';

export interface ConnectionPoolOptions {
  /** Most connections (pending + available + in use); 0 = unlimited. Default 100. */
  maxPoolSize?: number;
  /** Connections kept established in the background while the pool is ready. Default 0. */
  minPoolSize?: number;
  /** Most connections being established at once. Default 2. */
  maxConnecting?: number;
  /** An available connection idle longer than this is closed; 0 = never. Default 0. */
  maxIdleTimeMS?: number;
  /** Longest a checkout waits in the queue when no timeoutMS applies; 0 = no limit. Default 0. */
  waitQueueTimeoutMS?: number;
  /** Generations are kept per serviceId and clear() takes one (load-balancer spec). */
  loadBalanced?: boolean;
  /**
   * Interval between background runs (idle/stale reaping, minPoolSize population).
   * Negative: never run (CMAP test option backgroundThreadIntervalMS). Default 100.
   */
  backgroundIntervalMS?: number;
}

export type ResolvedPoolOptions = Required<ConnectionPoolOptions>;

export const POOL_DEFAULTS: ResolvedPoolOptions = {
  maxPoolSize: 100,
  minPoolSize: 0,
  maxConnecting: 2,
  maxIdleTimeMS: 0,
  waitQueueTimeoutMS: 0,
  loadBalanced: false,
  backgroundIntervalMS: 100,
};

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MongoInvalidArgumentError(`pool option ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function nonNegativeNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MongoInvalidArgumentError(`pool option ${name} must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

export function resolvePoolOptions(options: ConnectionPoolOptions): ResolvedPoolOptions {
  const resolved: ResolvedPoolOptions = { ...POOL_DEFAULTS };
  if (options.maxPoolSize !== undefined) resolved.maxPoolSize = nonNegativeInteger('maxPoolSize', options.maxPoolSize);
  if (options.minPoolSize !== undefined) resolved.minPoolSize = nonNegativeInteger('minPoolSize', options.minPoolSize);
  if (options.maxConnecting !== undefined) {
    resolved.maxConnecting = nonNegativeInteger('maxConnecting', options.maxConnecting);
    if (resolved.maxConnecting === 0) throw new MongoInvalidArgumentError('pool option maxConnecting must be greater than 0');
  }
  if (options.maxIdleTimeMS !== undefined) resolved.maxIdleTimeMS = nonNegativeNumber('maxIdleTimeMS', options.maxIdleTimeMS);
  if (options.waitQueueTimeoutMS !== undefined) {
    resolved.waitQueueTimeoutMS = nonNegativeNumber('waitQueueTimeoutMS', options.waitQueueTimeoutMS);
  }
  if (options.loadBalanced !== undefined) resolved.loadBalanced = options.loadBalanced;
  if (options.backgroundIntervalMS !== undefined) {
    if (typeof options.backgroundIntervalMS !== 'number' || options.backgroundIntervalMS === 0 || Number.isNaN(options.backgroundIntervalMS)) {
      throw new MongoInvalidArgumentError(`pool option backgroundIntervalMS must be a non-zero number, got ${String(options.backgroundIntervalMS)}`);
    }
    resolved.backgroundIntervalMS = options.backgroundIntervalMS;
  }
  if (resolved.maxPoolSize > 0 && resolved.minPoolSize > resolved.maxPoolSize) {
    throw new MongoInvalidArgumentError(
      `pool option minPoolSize (${resolved.minPoolSize}) must not exceed maxPoolSize (${resolved.maxPoolSize})`,
    );
  }
  return resolved;
}

/** The options the user set (for ConnectionPoolCreatedEvent.options). */
export function explicitPoolOptions(options: ConnectionPoolOptions): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out;
}

/** What the pool needs of a connection; Connection implements it, tests use fakes. */
export interface PoolableConnection {
  /** The pool-assigned id (CMAP: 1, 2, … in creation order). */
  readonly id: number;
  /** Set by the pool: the pool (or service) generation this connection belongs to. */
  generation: number;
  /** The load balancer's serviceId from the handshake (load-balanced mode only). */
  readonly serviceId: ObjectId | undefined;
  /** True once the connection had an error or was destroyed: it is perished. */
  readonly closed: boolean;
  /** Closes the socket without waiting; pending requests reject with `error`. */
  destroy(error?: Error): void;
}

export interface ConnectionRequest {
  readonly id: number;
  readonly address: string;
  /** Fires when the pool gives up on this establishment (closed or cleared with interruption). */
  readonly signal: AbortSignal;
}

/** Opens, handshakes and authenticates one connection. */
export type ConnectionFactory<C extends PoolableConnection> = (request: ConnectionRequest) => Promise<C>;
