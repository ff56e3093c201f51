// Load-balancers spec, "Connection Tracking": a load-balanced pool knows which checked-out
// connections cursors and transactions hold, and says so when a checkout times out.
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { ConnectionPool } from '../../src/connection/pool/pool.js';
import { MongoWaitQueueTimeoutError } from '../../src/errors.js';
import { fakeFactory, type FakeConnection } from './support/fake-connection.js';

const pools: { close(): void }[] = [];
afterEach(() => {
  for (const pool of pools.splice(0)) pool.close();
});

const SPEC_MESSAGE = /Timeout waiting for connection from the connection pool\. maxPoolSize: 3, connections in use by cursors: (\d+), connections in use by transactions: (\d+), connections in use by other operations: (\d+)/u;

async function timeoutMessage(pool: ConnectionPool<FakeConnection>): Promise<string> {
  const error: unknown = await pool.checkOut().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MongoWaitQueueTimeoutError);
  return (error as Error).message;
}

describe('ConnectionPool pinned-connection tracking', () => {
  it('counts cursor, transaction and other checkouts in a load-balanced timeout message', async () => {
    const serviceId = new ObjectId();
    const pool = new ConnectionPool({ address: 'lb:1', connect: fakeFactory({ serviceId: () => serviceId }), options: { loadBalanced: true, maxPoolSize: 3, waitQueueTimeoutMS: 20 } });
    pools.push(pool);
    pool.ready();
    const cursor = await pool.checkOut();
    const transaction = await pool.checkOut();
    await pool.checkOut();
    pool.markPinned(cursor, 'cursor');
    pool.markPinned(transaction, 'transaction');
    expect(SPEC_MESSAGE.exec(await timeoutMessage(pool))?.slice(1)).toEqual(['1', '1', '1']);
    // Check-in forgets the purpose: the connection is counted as "other" when checked out again.
    pool.checkIn(cursor);
    await pool.checkOut();
    expect(SPEC_MESSAGE.exec(await timeoutMessage(pool))?.slice(1)).toEqual(['0', '1', '2']);
  });

  it('keeps the plain message outside load-balanced mode', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { maxPoolSize: 1, waitQueueTimeoutMS: 20 } });
    pools.push(pool);
    pool.ready();
    pool.markPinned(await pool.checkOut(), 'cursor');
    const message = await timeoutMessage(pool);
    expect(message).not.toMatch(/connections in use by cursors/u);
    expect(message).toMatch(/1 checked out/u);
  });
});
