// The pool's public configuration and call options.
import type { ObjectId } from '../../bson.js';
import type { CmapEventMap } from '../../monitoring/cmap-events.js';
import type { EventTarget } from '../../monitoring/event-sink.js';
import type { TimeoutContext } from '../timeout-context.js';
import type { ConnectionFactory, ConnectionPoolOptions, PoolableConnection } from './options.js';

export type PoolState = 'paused' | 'ready' | 'closed';

export interface ConnectionPoolConfig<C extends PoolableConnection> {
  /** "host:port" of the endpoint. */
  address: string;
  options?: ConnectionPoolOptions;
  connect: ConnectionFactory<C>;
  events?: EventTarget<CmapEventMap>;
  /**
   * Errors establishing connections in the background (minPoolSize) go here, for
   * SDAM's application-error handling (which usually clears the pool).
   */
  onBackgroundError?: (error: Error) => void;
  /**
   * Errors establishing a connection for a checkout, with the failed connection's generation;
   * called before the connection is reported closed and the checkout fails.
   */
  onEstablishmentError?: (error: Error, generation: number) => void;
}

export interface CheckOutOptions {
  timeout?: TimeoutContext;
}

export interface ClearOptions {
  /** Also interrupt in-use connections of the cleared generation (monitor timeout). */
  interruptInUseConnections?: boolean;
  /** Load-balanced mode: the service to clear (required there, ignored otherwise). */
  serviceId?: ObjectId;
  /** The error that made SDAM clear the pool; named in later PoolClearedErrors. */
  cause?: Error;
}
