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

/** waitQueueTimeoutMS expired before a connection became available. */
export function waitQueueTimeoutError(
  address: string,
  waitedMS: number,
  stats: PoolStats,
  options: ResolvedPoolOptions,
): MongoWaitQueueTimeoutError {
  const { inUse, pending, available, waiting } = stats;
  const maxPoolSize = options.maxPoolSize === 0 ? 'unlimited' : String(options.maxPoolSize);
  return new MongoWaitQueueTimeoutError(
    address,
    `Timed out while checking out a connection from connection pool ${address} after ` +
      `${Math.round(waitedMS)} ms (waitQueueTimeoutMS: ${options.waitQueueTimeoutMS}): ` +
      `${inUse} checked out, ${pending} pending (being established), ${available} available, ` +
      `${waiting} other checkouts waiting; maxPoolSize: ${maxPoolSize}, maxConnecting: ${options.maxConnecting}`,
  );
}
