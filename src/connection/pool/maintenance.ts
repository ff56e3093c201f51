// Background upkeep of a pool (CMAP "Populating the pool" and idle/stale
// reaping): each run closes perished available connections and starts
// establishing connections until minPoolSize is reached, within maxConnecting.
// Population never blocks a checkout; its errors go to SDAM.
import { BackgroundTimer } from './background-timer.js';
import type { PoolConnections } from './connections.js';
import type { Entry } from './entry.js';
import type { PoolableConnection } from './options.js';

/** What maintenance needs from its pool. */
export interface MaintainedPool<C extends PoolableConnection> {
  readonly connections: PoolConnections<C>;
  readonly minPoolSize: number;
  /** Between periodic runs; negative: only the immediate runs asked for with runSoon. */
  readonly intervalMS: number;
  isReady(): boolean;
  isClosed(): boolean;
  canStartConnecting(): boolean;
  /** Creates a pending connection (ConnectionCreated) and establishes it. */
  establishNew(): { entry: Entry<C>; established: Promise<void> };
  /** A connection became available or a slot freed up: let waiting checkouts use it. */
  serviceWaitQueue(): void;
  /** SDAM's application-error handling for population failures. */
  onPopulationError: ((error: Error) => void) | undefined;
}

export class PoolMaintenance<C extends PoolableConnection> {
  private readonly timer: BackgroundTimer;

  constructor(private readonly pool: MaintainedPool<C>) {
    this.timer = new BackgroundTimer(pool.intervalMS, () => this.run());
  }

  /** A run as soon as the event loop allows (the pool became ready or was cleared). */
  runSoon(): void {
    this.timer.runSoon();
  }

  stop(): void {
    this.timer.stop();
  }

  private run(): void {
    const pool = this.pool;
    if (pool.isClosed()) return;
    pool.connections.reapAvailable();
    while (pool.isReady() && pool.connections.total < pool.minPoolSize && pool.canStartConnecting()) this.populate();
    pool.serviceWaitQueue();
    this.timer.runLater();
  }

  /** Establishes one connection for minPoolSize; it becomes available, or its error goes to SDAM. */
  private populate(): void {
    const { entry, established } = this.pool.establishNew();
    established.then(
      () => {
        if (entry.state !== 'pending') return; // interrupted or closed meanwhile, and already reported
        this.pool.connections.makeAvailable(entry);
        this.pool.serviceWaitQueue();
      },
      (error: Error) => {
        if (entry.state === 'pending') this.fail(entry, error);
        this.pool.serviceWaitQueue();
      },
    );
  }

  /**
   * SDAM handles the error first (normally clearing the pool), then the failed
   * connection is reported closed: CMAP's order for population errors, where
   * ConnectionPoolCleared precedes the connection's ConnectionClosed.
   */
  private fail(entry: Entry<C>, error: Error): void {
    const pool = this.pool;
    // Out of the pending set first, so a clear that interrupts does not report it as stale.
    pool.connections.leavePending(entry);
    try {
      if (!pool.isClosed()) pool.onPopulationError?.(error);
    } finally {
      pool.connections.close(entry, pool.isClosed() ? 'poolClosed' : 'error', error);
    }
  }
}
