// What spans the nodes of a multi-node deployment: sessions (killAllSessions / killSessions /
// endSessions close the session's cursors on every member or mongos, and members share one
// session cache), opcounters for commands registered after start, and what replSetStepDown does
// to operations in flight and transactions in progress (mongod 4.2+: interrupted and aborted,
// connections kept open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Long, UUID, type Document } from '../../src/bson.js';
import { MemoryServer } from '../../src/server/index.js';
import { RawConnection } from './support/raw-connection.js';

const opened: RawConnection[] = [];

async function connectTo(port: number): Promise<RawConnection> {
  const connection = await RawConnection.open(port);
  opened.push(connection);
  return connection;
}

afterAll(() => {
  for (const connection of opened) connection.close();
});

const newLsid = (): Document => ({ id: new UUID() });

/** Opens a cursor owned by `lsid` over three documents (batchSize 1) and returns its id. */
async function openSessionCursor(connection: RawConnection, lsid: Document, extra: Document = {}): Promise<Long> {
  const reply = await connection.run({ find: 'spread', batchSize: 1, lsid, ...extra }, 'nodes');
  expect(reply.ok).toBe(1);
  const id = (reply.cursor as Document).id as Long;
  expect(id.isZero()).toBe(false);
  return id;
}

async function cursorAlive(connection: RawConnection, id: Long, extra: Document = {}): Promise<boolean> {
  const reply = await connection.run({ getMore: id, collection: 'spread', batchSize: 1, ...extra }, 'nodes');
  if (reply.ok === 1) return true;
  expect(reply.codeName).toBe('CursorNotFound');
  return false;
}

function opCounter(status: Document, name: string): number {
  const value: unknown = (status.opcounters as Document)[name];
  return value instanceof Long ? value.toNumber() : Number(value);
}

const SECONDARY_OK = { $readPreference: { mode: 'secondaryPreferred' } };

describe('sessions across the mongoses of a sharded cluster', () => {
  let server: MemoryServer;
  let ports: number[];

  beforeAll(async () => {
    server = await MemoryServer.start({ sharded: true });
    ports = (server.multiMongosUri ?? '').replace(/^mongodb:\/\/|\/$/gu, '').split(',').map((host) => Number(host.slice(host.lastIndexOf(':') + 1)));
    const first = await connectTo(ports[0] ?? 0);
    await first.run({ insert: 'spread', documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] }, 'nodes');
  });

  afterAll(async () => {
    await server.stop();
  });

  it('killAllSessions on one router closes session cursors on the other', async () => {
    const [a, b] = [await connectTo(ports[0] ?? 0), await connectTo(ports[1] ?? 0)];
    const onB = await openSessionCursor(b, newLsid());
    expect(await a.run({ killAllSessions: [] })).toMatchObject({ ok: 1 });
    expect(await cursorAlive(b, onB)).toBe(false);
  });

  it('endSessions and killSessions on one router close that session\'s cursors on the other, and no other session\'s', async () => {
    const [a, b] = [await connectTo(ports[0] ?? 0), await connectTo(ports[1] ?? 0)];
    const [ended, killed, kept] = [newLsid(), newLsid(), newLsid()];
    const cursors = [await openSessionCursor(b, ended), await openSessionCursor(b, killed), await openSessionCursor(b, kept)];
    expect(await a.run({ endSessions: [ended] })).toMatchObject({ ok: 1 });
    expect(await a.run({ killSessions: [killed] })).toMatchObject({ ok: 1 });
    expect(await cursorAlive(b, cursors[0] ?? Long.ZERO)).toBe(false);
    expect(await cursorAlive(b, cursors[1] ?? Long.ZERO)).toBe(false);
    expect(await cursorAlive(b, cursors[2] ?? Long.ZERO)).toBe(true);
  });

  it('counts the mongos-only commands in opcounters', async () => {
    const a = await connectTo(ports[0] ?? 0);
    const before = opCounter(await a.run({ serverStatus: 1 }), 'command');
    expect(await a.run({ checkMetadataConsistency: 1 }, 'nodes')).toMatchObject({ ok: 1 });
    // serverStatus itself and checkMetadataConsistency.
    expect(opCounter(await a.run({ serverStatus: 1 }), 'command') - before).toBe(2);
  });
});

describe('opcounters of commands registered after start', () => {
  it('counts them on every node', async () => {
    const server = await MemoryServer.start({ replSet: 'rsc', members: 2 });
    try {
      server.registerCommand({ name: 'greet', run: () => ({ greeting: 'hi' }) });
      for (const address of server.memberAddresses) {
        const connection = await connectTo(address.port);
        const before = opCounter(await connection.run({ serverStatus: 1 }), 'command');
        expect(await connection.run({ greet: 1 })).toMatchObject({ ok: 1, greeting: 'hi' });
        expect(opCounter(await connection.run({ serverStatus: 1 }), 'command') - before).toBe(2);
      }
    } finally {
      await server.stop();
    }
  });
});

describe('sessions and step-down in a multi-member replica set', () => {
  let server: MemoryServer;

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rss', members: 3 });
    const primary = await connectTo(server.memberAddresses[0]?.port ?? 0);
    await primary.run({ insert: 'spread', documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] }, 'nodes');
  });

  afterAll(async () => {
    await server.stop();
  });

  const member = (index: number): Promise<RawConnection> => connectTo(server.memberAddresses[index]?.port ?? 0);

  /** The member currently primary (an election after a step-down takes ~100 ms). */
  async function primaryIndex(): Promise<number> {
    const deadline = Date.now() + 5000;
    for (;;) {
      for (const index of [0, 1, 2]) if ((await (await member(index)).run({ hello: 1 })).isWritablePrimary === true) return index;
      if (Date.now() > deadline) throw new Error('no primary elected');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('killAllSessions on the primary closes session cursors on secondaries', async () => {
    const primary = await primaryIndex();
    const secondary = await member((primary + 1) % 3);
    const id = await openSessionCursor(secondary, newLsid(), SECONDARY_OK);
    expect(await (await member(primary)).run({ killAllSessions: [] })).toMatchObject({ ok: 1 });
    expect(await cursorAlive(secondary, id, SECONDARY_OK)).toBe(false);
  });

  it('shares the session cache: a session used on one member is listed on another, and ended everywhere', async () => {
    const primary = await primaryIndex();
    const [onPrimary, onSecondary] = [await member(primary), await member((primary + 1) % 3)];
    const lsid = newLsid();
    const id = await openSessionCursor(onSecondary, lsid, SECONDARY_OK);
    const listed = async (): Promise<unknown[]> => {
      const reply = await onPrimary.run({ aggregate: 1, pipeline: [{ $listLocalSessions: {} }, { $match: { '_id.id': lsid.id } }], cursor: {} });
      return (reply.cursor as Document).firstBatch as unknown[];
    };
    expect(await listed()).toHaveLength(1);
    expect(await onPrimary.run({ endSessions: [lsid] })).toMatchObject({ ok: 1 });
    expect(await listed()).toHaveLength(0);
    expect(await cursorAlive(onSecondary, id, SECONDARY_OK)).toBe(false);
  });

  it('step-down aborts the transaction in progress: its commit on the new primary fails NoSuchTransaction, transient', async () => {
    const primary = await primaryIndex();
    const connection = await member(primary);
    const lsid = newLsid();
    const txn = { lsid, txnNumber: Long.fromNumber(1), autocommit: false };
    expect(await connection.run({ insert: 'stepdown', documents: [{ _id: 'txn' }], ...txn, startTransaction: true }, 'nodes')).toMatchObject({ ok: 1 });
    expect(await connection.run({ replSetStepDown: 5, secondaryCatchUpPeriodSecs: 1 })).toMatchObject({ ok: 1 });
    // The connection was not closed by the step-down (mongod 4.2+).
    expect(connection.isOpen).toBe(true);
    expect(await connection.run({ ping: 1 })).toMatchObject({ ok: 1 });
    const next = await member(await primaryIndex());
    const commit = await next.run({ commitTransaction: 1, ...txn });
    expect(commit).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction', errorLabels: ['TransientTransactionError'] });
    const found = await next.run({ find: 'stepdown', filter: { _id: 'txn' } }, 'nodes');
    expect((found.cursor as Document).firstBatch).toEqual([]);
  });

  it('step-down interrupts a write in flight (InterruptedDueToReplStateChange) and lets a read in flight finish', async () => {
    const primary = await primaryIndex();
    const admin = await member(primary);
    // One failCommand failpoint blocks both (configuring it again would replace it).
    const block = { configureFailPoint: 'failCommand', mode: { times: 2 }, data: { failCommands: ['insert', 'find'], blockConnection: true, blockTimeMS: 300 } };
    expect(await admin.run(block)).toMatchObject({ ok: 1 });
    const writer = await member(primary);
    const write = writer.run({ insert: 'stepdown', documents: [{ _id: 'inflight' }] }, 'nodes');
    const reader = await member(primary);
    const read = reader.run({ find: 'spread', filter: { _id: 1 } }, 'nodes');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await admin.run({ replSetStepDown: 5, secondaryCatchUpPeriodSecs: 1 })).toMatchObject({ ok: 1 });
    expect(await write).toMatchObject({ ok: 0, code: 11602, codeName: 'InterruptedDueToReplStateChange' });
    expect(await read).toMatchObject({ ok: 1, cursor: { firstBatch: [{ _id: 1 }] } });
    // Nothing was written, and the interrupted connection is still usable.
    expect(writer.isOpen).toBe(true);
    const found = await writer.run({ find: 'stepdown', filter: { _id: 'inflight' }, ...SECONDARY_OK }, 'nodes');
    expect((found.cursor as Document).firstBatch).toEqual([]);
  });
});
