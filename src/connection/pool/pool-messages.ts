// The errors a pool hands to failed checkouts, with messages that say why and
// show the pool's counts, so a user can tell a saturated pool from a cleared one.
import { MongoPoolClearedError, MongoWaitQueueTimeoutError } from '../../errors.js';
import type { ResolvedPoolOptions } from './options.js';

export interface PoolStats {
  total: number;
  available: number;
  pending: number;
  inUse: number;
  waiting: number;
}

/** The error for a checkout refused (or abandoned) because the pool is paused. */
export function poolClearedError(address: string, cause: Error | undefined): MongoPoolClearedError {
  const why = cause === undefined ? 'it was paused (the server is not known to be available)' : `another operation failed with: ${cause.message}`;
  return new MongoPoolClearedError(address, `Connection pool for ${address} was cleared because ${why}`, { cause });
}

/** The error given to pending and in-use connections torn down by clear(interruptInUseConnections). */
export function poolInterruptedError(address: string): MongoPoolClearedError {
  return new MongoPoolClearedError(address, `Connection to ${address} interrupted due to server monitor timeout`);
}

/** Checked-out connections by purpose (load-balanced pools only). */
export interface PinnedCounts {
  cursors: number;
  transactions: number;
  other: number;
}

/** waitQueueTimeoutMS expired before a connection became available. */
export function waitQueueTimeoutError(
  address: string,
  waitedMS: number,
  stats: PoolStats,
  options: ResolvedPoolOptions,
  pinned?: PinnedCounts,
): MongoWaitQueueTimeoutError {
  const { inUse, pending, available, waiting } = stats;
  const maxPoolSize = options.maxPoolSize === 0 ? 'unlimited' : String(options.maxPoolSize);
  // Load-balanced pools lead with the spec's wording, naming what holds the connections.
  const purposes =
    pinned === undefined
      ? ''
      : `Timeout waiting for connection from the connection pool. maxPoolSize: ${options.maxPoolSize}, ` +
        `connections in use by cursors: ${pinned.cursors}, connections in use by transactions: ${pinned.transactions}, ` +
        `connections in use by other operations: ${pinned.other}. `;
  return new MongoWaitQueueTimeoutError(
    address,
    `${purposes}Timed out while checking out a connection from connection pool ${address} after ` +
      `${Math.round(waitedMS)} ms (waitQueueTimeoutMS: ${options.waitQueueTimeoutMS}): ` +
      `${inUse} checked out, ${pending} pending (being established), ${available} available, ` +
      `${waiting} other checkouts waiting; maxPoolSize: ${maxPoolSize}, maxConnecting: ${options.maxConnecting}`,
  );
}
