// What clear() changes (CMAP "Clearing a Connection Pool"): the generation that makes
// existing connections stale (the pool's, or in load-balanced mode each service's),
// why the pool was last cleared (the error of checkouts refused while paused), and the
// interruption of pending and in-use connections of cleared generations.
import type { ObjectId } from '../../bson.js';
import type { PoolConnections } from './connections.js';
import type { Entry } from './entry.js';
import type { PoolableConnection } from './options.js';
import { poolClearedError, poolInterruptedError } from './pool-messages.js';
import { ServiceGenerations } from './service-generations.js';
import type { Waiter } from './wait-queue.js';

export class PoolGenerations {
  readonly services = new ServiceGenerations();
  private poolGeneration = 0;
  private clearCause: Error | undefined;

  constructor(
    private readonly address: string,
    private readonly loadBalanced: boolean,
  ) {}

  /** The pool's generation (non-LB): a new connection belongs to it. */
  get current(): number {
    return this.poolGeneration;
  }

  /** The generation a connection to `serviceId` would get now (LB), else the pool's. */
  generationFor(serviceId: ObjectId | undefined): number {
    if (!this.loadBalanced || serviceId === undefined) return this.poolGeneration;
    return this.services.generationOf(serviceId.toHexString());
  }

  isStale(conn: PoolableConnection): boolean {
    return conn.generation !== this.generationFor(conn.serviceId);
  }

  isEntryStale<C>(entry: Entry<C>): boolean {
    if (!this.loadBalanced || entry.serviceKey === undefined) return entry.generation !== this.poolGeneration;
    return entry.generation !== this.services.generationOf(entry.serviceKey);
  }

  /** Makes every current connection stale; returns the generation that was cleared. */
  clearPool(cause: Error | undefined): number {
    this.clearCause = cause;
    this.poolGeneration += 1;
    return this.poolGeneration - 1;
  }

  /** Makes the service's current connections stale (LB); returns the generation that was cleared. */
  clearService(serviceKey: string): number {
    return this.services.clear(serviceKey);
  }

  /** The error of a checkout the paused pool refuses or abandons. */
  clearedError(): Error {
    return poolClearedError(this.address, this.clearCause);
  }
}

/**
 * Tears down pending and in-use connections of generations up to `generation` (of one
 * service when `serviceKey` is given); checkouts waiting on a torn-down establishment fail.
 */
export function interruptConnections<C extends PoolableConnection>(
  connections: PoolConnections<C>,
  address: string,
  cleared: { generation: number; serviceKey?: string },
  failWaiter: (waiter: Waiter<C>, error: Error) => void,
): void {
  const { generation, serviceKey } = cleared;
  const error = poolInterruptedError(address);
  // In load-balanced mode a pending connection's service is not known yet: leave it be.
  for (const entry of serviceKey === undefined ? connections.pending() : []) {
    if (entry.generation > generation) continue;
    entry.abort.abort(error);
    connections.close(entry, 'stale', error);
    const waiter = entry.waiter;
    entry.waiter = undefined;
    if (waiter !== undefined && !waiter.settled) failWaiter(waiter, error);
  }
  for (const entry of connections.checkedOut()) {
    if (entry.generation > generation) continue;
    if (serviceKey !== undefined && entry.serviceKey !== serviceKey) continue;
    entry.conn?.destroy(error);
  }
}
