import { afterEach, describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { connectionFactory } from '../../src/connection/connect.js';
import type { Connection } from '../../src/connection/connection.js';
import { ConnectionPool } from '../../src/connection/pool/pool.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import {
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoOperationTimeoutError,
  MongoPoolClearedError,
  MongoWaitQueueTimeoutError,
} from '../../src/errors.js';
import type { CmapEventMap } from '../../src/monitoring/cmap-events.js';
import { EventSink } from '../../src/monitoring/event-sink.js';
import { helloThen, startFakeServer, type FakeServer } from '../support/fake-mongo-server.js';
import { FakeConnection, fakeFactory } from './support/fake-connection.js';

let server: FakeServer | undefined;
const pools: { close(): void }[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  await server?.stop();
  server = undefined;
});

function recorder(): { sink: EventSink<CmapEventMap>; names: string[] } {
  const sink = new EventSink<CmapEventMap>();
  const names: string[] = [];
  sink.onAny((name) => names.push(name));
  return { sink, names };
}

describe('ConnectionPool', () => {
  it('says how many connections are checked out, pending and waiting when a checkout times out', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { maxPoolSize: 2, waitQueueTimeoutMS: 30 } });
    pools.push(pool);
    pool.ready();
    await pool.checkOut();
    await pool.checkOut();
    const other = pool.checkOut().catch((e: unknown) => e);
    const error = await pool.checkOut().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoWaitQueueTimeoutError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Timed out while checking out a connection from connection pool h:1/);
    expect(message).toContain('2 checked out');
    expect(message).toContain('0 pending (being established)');
    expect(message).toContain('maxPoolSize: 2');
    expect(message).toMatch(/\d+ other checkouts waiting/);
    expect(await other).toBeInstanceOf(MongoWaitQueueTimeoutError);
  });

  it('cancels a waiting checkout through the timeout context (abort and timeoutMS)', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { maxPoolSize: 1 } });
    pools.push(pool);
    pool.ready();
    const held = await pool.checkOut();
    const controller = new AbortController();
    const waiting = pool.checkOut({ timeout: TimeoutContext.create({ signal: controller.signal }) });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(pool.checkOut({ timeout: TimeoutContext.create({ timeoutMS: 20 }) })).rejects.toThrow(MongoOperationTimeoutError);
    expect(pool.stats().waiting).toBe(0);
    pool.checkIn(held);
    expect((await pool.checkOut()).id).toBe(held.id);
  });

  it('refuses connections it does not own and double check-ins', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory() });
    pools.push(pool);
    pool.ready();
    expect(() => pool.checkIn(new FakeConnection(99))).toThrow(MongoInvalidArgumentError);
    const conn = await pool.checkOut();
    pool.checkIn(conn);
    expect(() => pool.checkIn(conn)).toThrow(/not checked out/);
  });

  it('validates options with messages naming the option', () => {
    expect(() => new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { maxPoolSize: -1 } })).toThrow(/maxPoolSize/);
    expect(() => new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { minPoolSize: 5, maxPoolSize: 2 } })).toThrow(/minPoolSize/);
    expect(() => new ConnectionPool({ address: 'h:1', connect: fakeFactory(), options: { maxConnecting: 0 } })).toThrow(/maxConnecting/);
  });

  it('interrupts in-use connections on clear({ interruptInUseConnections })', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory() });
    pools.push(pool);
    pool.ready();
    const conn = await pool.checkOut();
    pool.clear({ interruptInUseConnections: true });
    expect(conn.closed).toBe(true);
    expect(conn.destroyedWith).toBeInstanceOf(MongoPoolClearedError);
    expect(conn.destroyedWith?.message).toBe('Connection to h:1 interrupted due to server monitor timeout');
    const error = await pool.checkOut().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoPoolClearedError);
    expect(error).toBeInstanceOf(MongoNetworkError);
  });

  it('names the clearing error in PoolClearedError', async () => {
    const pool = new ConnectionPool({ address: 'h:1', connect: fakeFactory() });
    pools.push(pool);
    pool.ready();
    pool.clear({ cause: new Error('socket hang up') });
    await expect(pool.checkOut()).rejects.toThrow('Connection pool for h:1 was cleared because another operation failed with: socket hang up');
  });

  it('keeps generations per serviceId in load-balanced mode and does not pause', async () => {
    const services = [new ObjectId(), new ObjectId()];
    let next = 0;
    const pool = new ConnectionPool({
      address: 'lb:1',
      connect: fakeFactory({ serviceId: () => services[next++ % 2] }),
      options: { loadBalanced: true },
    });
    pools.push(pool);
    const { sink, names } = recorder();
    void sink;
    pool.ready();
    const a = await pool.checkOut();
    const b = await pool.checkOut();
    pool.clear({ serviceId: services[0] });
    expect(pool.state).toBe('ready');
    expect(pool.isStale(a)).toBe(true);
    expect(pool.isStale(b)).toBe(false);
    pool.checkIn(a);
    pool.checkIn(b);
    expect(pool.stats().available).toBe(1);
    expect(() => pool.clear()).toThrow(/needs a serviceId/);
    expect(names).toEqual([]);
  });

  it('reports background population errors to its owner', async () => {
    const errors: Error[] = [];
    const pool = new ConnectionPool({
      address: 'h:1',
      connect: fakeFactory({ failIds: new Set([1]) }),
      options: { minPoolSize: 1, backgroundIntervalMS: 10 },
      onBackgroundError: (error) => {
        errors.push(error);
        pool.clear({ cause: error });
      },
    });
    pools.push(pool);
    pool.ready();
    await new Promise((r) => setTimeout(r, 50));
    expect(errors.map((e) => e.message)).toEqual(['fake establishment of connection 1 failed']);
    expect(pool.state).toBe('paused');
  });

  it("hands a checkout's establishment error to its owner before reporting the connection closed", async () => {
    const { sink, names } = recorder();
    const seen: { message: string; generation: number }[] = [];
    const pool = new ConnectionPool({
      address: 'h:1',
      connect: fakeFactory({ failIds: new Set([1]) }),
      events: sink,
      onEstablishmentError: (error, generation) => {
        seen.push({ message: error.message, generation });
        pool.clear({ cause: error });
      },
    });
    pools.push(pool);
    pool.ready();
    await expect(pool.checkOut()).rejects.toThrow('fake establishment of connection 1 failed');
    expect(seen).toEqual([{ message: 'fake establishment of connection 1 failed', generation: 0 }]);
    // SDAM's pool clear comes before the failed connection's ConnectionClosed (pool-clear-checkout-error).
    expect(names.filter((n) => n !== 'connectionPoolCreated' && n !== 'connectionPoolReady')).toEqual([
      'connectionCheckOutStarted',
      'connectionCreated',
      'connectionPoolCleared',
      'connectionClosed',
      'connectionCheckOutFailed',
    ]);
  });

  it('emits events in spec order with real connections to a server', async () => {
    server = await startFakeServer(helloThen(() => ({ reply: { ok: 1 } })));
    const { sink, names } = recorder();
    const pool = new ConnectionPool<Connection>({
      address: server.address,
      connect: connectionFactory({ host: '127.0.0.1', port: server.port }),
      events: sink,
    });
    pools.push(pool);
    pool.ready();
    const conn = await pool.checkOut();
    const reply = await conn.command('admin', { ping: 1 });
    expect(reply.ok).toBe(true);
    pool.checkIn(conn);
    const again = await pool.checkOut();
    expect(again).toBe(conn);
    await server.stop();
    server = undefined;
    await expect(again.command('admin', { ping: 1 })).rejects.toThrow(MongoNetworkError);
    pool.checkIn(again);
    pool.close();
    expect(names).toEqual([
      'connectionPoolCreated',
      'connectionPoolReady',
      'connectionCheckOutStarted',
      'connectionCreated',
      'connectionReady',
      'connectionCheckedOut',
      'connectionCheckedIn',
      'connectionCheckOutStarted',
      'connectionCheckedOut',
      'connectionCheckedIn',
      'connectionClosed',
      'connectionPoolClosed',
    ]);
  });

  it('fails a checkout with connectionError when establishment fails against a dead server', async () => {
    server = await startFakeServer(() => ({ close: true }));
    const { sink } = recorder();
    const failed: string[] = [];
    sink.on('connectionCheckOutFailed', (e) => failed.push(e.reason));
    const pool = new ConnectionPool<Connection>({ address: server.address, connect: connectionFactory({ host: '127.0.0.1', port: server.port }), events: sink });
    pools.push(pool);
    pool.ready();
    const error = await pool.checkOut().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoNetworkError);
    expect((error as MongoNetworkError).hasErrorLabel('SystemOverloadedError')).toBe(true);
    expect(failed).toEqual(['connectionError']);
    expect(pool.stats().total).toBe(0);
  });

  it('builds no event objects when nobody listens', () => {
    const sink = new EventSink<CmapEventMap>();
    expect(sink.wants('connectionCreated')).toBe(false);
    const off = sink.on('connectionCreated', () => {});
    expect(sink.wants('connectionCreated')).toBe(true);
    off();
    expect(sink.wants('connectionCreated')).toBe(false);
  });
});

describe('ConnectionPool against the embedded server', () => {
  it('checks out a handshaken connection, runs ping, and emits events in order', async () => {
    const { MemoryServer } = await import('../../src/server/index.js');
    const memory = await MemoryServer.start();
    try {
      const { sink, names } = recorder();
      const pool = new ConnectionPool<Connection>({
        address: `${memory.address.host}:${memory.port}`,
        connect: connectionFactory({ host: memory.address.host, port: memory.port, appName: 'pool-test', compressors: ['zlib'] }),
        events: sink,
      });
      pools.push(pool);
      pool.ready();
      const reply = await pool.withConnection((conn) => conn.command('admin', { ping: 1 }));
      expect(reply.ok).toBe(true);
      pool.close();
      expect(names).toEqual([
        'connectionPoolCreated',
        'connectionPoolReady',
        'connectionCheckOutStarted',
        'connectionCreated',
        'connectionReady',
        'connectionCheckedOut',
        'connectionCheckedIn',
        'connectionClosed',
        'connectionPoolClosed',
      ]);
    } finally {
      await memory.stop();
    }
  });
});
