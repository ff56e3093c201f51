// Establishing one pool connection (CMAP "Creating a Connection"): the factory runs
// (handshake, auth), then the entry gets its connection and ConnectionReady is emitted,
// or the failure is handed to SDAM before the connection is reported closed.
import { MongoPoolClosedError } from '../../errors.js';
import type { CmapEventMap } from '../../monitoring/cmap-events.js';
import type { EventTarget } from '../../monitoring/event-sink.js';
import type { PoolConnections } from './connections.js';
import { now, type Entry } from './entry.js';
import type { ConnectionFactory, PoolableConnection } from './options.js';

/** What establishment needs from its pool. */
export interface EstablishingPool<C extends PoolableConnection> {
  readonly address: string;
  readonly connect: ConnectionFactory<C>;
  readonly events: EventTarget<CmapEventMap>;
  readonly connections: PoolConnections<C>;
  readonly loadBalanced: boolean;
  isClosed(): boolean;
  /** SDAM's handling of a checkout's establishment error (normally clearing the pool). */
  readonly onEstablishmentError: ((error: Error, generation: number) => void) | undefined;
}

export class ConnectionEstablishment<C extends PoolableConnection> {
  constructor(private readonly pool: EstablishingPool<C>) {}

  /** Runs the factory; on success the entry holds its connection and ConnectionReady was emitted. */
  async establish(entry: Entry<C>): Promise<void> {
    const pool = this.pool;
    const conn = await pool.connect({ id: entry.id, address: pool.address, signal: entry.abort.signal });
    if (entry.state !== 'pending') {
      conn.destroy(); // the pool gave up on it (interrupted or closed) and already reported it
      return;
    }
    if (pool.isClosed()) {
      entry.conn = conn;
      pool.connections.close(entry, 'poolClosed');
      throw new MongoPoolClosedError(pool.address);
    }
    pool.connections.attach(entry, conn, pool.loadBalanced);
    if (pool.events.wants('connectionReady')) {
      pool.events.emit('connectionReady', {
        name: 'connectionReady',
        address: pool.address,
        connectionId: entry.id,
        durationMS: now() - entry.createdAt,
      });
    }
  }

  /**
   * A checkout's connection failed to establish: SDAM handles the error first (normally
   * clearing the pool), then the connection is reported closed, the order SDAM's
   * pool-clear-checkout-error test expects (ConnectionPoolCleared before ConnectionClosed).
   */
  fail(entry: Entry<C>, error: Error): void {
    const pool = this.pool;
    // Out of the pending set first, so a clear that interrupts does not report it as stale.
    pool.connections.leavePending(entry);
    try {
      if (!pool.isClosed()) pool.onEstablishmentError?.(error, entry.generation);
    } catch {
      // The owner's handling failed: the checkout must still fail with the establishment error, not hang.
    }
    pool.connections.close(entry, pool.isClosed() ? 'poolClosed' : 'error', error);
  }
}
