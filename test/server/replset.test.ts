// One-member replica-set mode, as the official driver experiences it: discovery
// as ReplicaSetWithPrimary, cluster time on replies, and retryable writes that a
// retry never applies twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Long, MongoClient, MongoServerError, ObjectId, Timestamp, type ClientSession, type CommandStartedEvent, type CommandSucceededEvent, type Db, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';
import { parseCliArgs } from '../../src/server/cli-args.js';
import { LogicalClock } from '../../src/server/replication/logical-clock.js';
import { Binary, Long as OurLong, Timestamp as OurTimestamp } from '../../src/bson.js';
import { encodeMessage, OP_MSG, type DecodedOpMsg } from '../../src/wire/index.js';
import { RawClient } from './support/raw-client.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';

/** Test documents with number or string _ids. */
interface AnyDocument {
  _id?: number | string;
  [field: string]: unknown;
}

const CLIENT_OPTIONS = { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 };

describe('MemoryServer replica-set mode (official driver)', () => {
  let server: MemoryServer;
  let client: MongoClient;
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];
  const topologyTypes: string[] = [];

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0' });
    client = new MongoClient(server.uri, { ...CLIENT_OPTIONS, monitorCommands: true });
    client.on('commandStarted', (event) => started.push(event));
    client.on('commandSucceeded', (event) => succeeded.push(event));
    client.on('topologyDescriptionChanged', (event) => topologyTypes.push(event.newDescription.type));
    await client.connect();
  });

  afterAll(async () => {
    await client.close(true);
    await server.stop();
  });

  afterEach(async () => {
    await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    started.length = 0;
    succeeded.length = 0;
  });

  const coll = (name: string) => client.db('rs').collection<AnyDocument>(name);
  const configure = (data: Document, times = 1) =>
    client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times }, data });
  const startedInserts = () => started.filter((event) => event.commandName === 'insert');
  /** A session of a client of its own: explicit txnNumbers must not collide with pooled sessions the driver numbers itself. */
  const withRawSession = async (run: (db: Db, session: ClientSession) => Promise<void>): Promise<void> => {
    const own = new MongoClient(server.uri, CLIENT_OPTIONS);
    const session = own.startSession();
    try {
      await run(own.db('rs'), session);
    } finally {
      await session.endSession();
      await own.close(true);
    }
  };

  it('names the set in its URI and is discovered as ReplicaSetWithPrimary', () => {
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/?replicaSet=rs0`);
    expect(server.replicaSetName).toBe('rs0');
    expect(topologyTypes).toContain('ReplicaSetWithPrimary');
  });

  it('answers hello and legacy isMaster as the primary of a one-member set', async () => {
    const me = `127.0.0.1:${server.port}`;
    const hello = await client.db('admin').command({ hello: 1 }, { promoteLongs: false });
    expect(hello).toMatchObject({ setName: 'rs0', setVersion: 1, hosts: [me], primary: me, me, isWritablePrimary: true, secondary: false });
    expect(hello.electionId).toBeInstanceOf(ObjectId);
    expect(hello.lastWrite.opTime.ts).toBeInstanceOf(Timestamp);
    expect(hello.lastWrite.opTime.t).toEqual(Long.fromNumber(1));
    expect(hello.lastWrite.lastWriteDate).toBeInstanceOf(Date);
    expect(hello.lastWrite.majorityOpTime.ts).toBeInstanceOf(Timestamp);
    const legacy = await client.db('admin').command({ isMaster: 1 });
    expect(legacy).toMatchObject({ ismaster: true, setName: 'rs0', secondary: false });
    expect(legacy.isWritablePrimary).toBeUndefined();
    expect(legacy.electionId).toEqual(hello.electionId);
  });

  it('still serves a direct connection', async () => {
    const direct = new MongoClient(`${server.uri}&directConnection=true`, CLIENT_OPTIONS);
    try {
      expect(await direct.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await direct.close(true);
    }
  });

  it('puts $clusterTime and operationTime on every reply; a write advances them', async () => {
    const ping = await client.db('admin').command({ ping: 1 }, { promoteLongs: false });
    expect(ping.$clusterTime.clusterTime).toBeInstanceOf(Timestamp);
    expect(ping.$clusterTime.signature.keyId).toEqual(Long.fromNumber(0));
    expect(ping.$clusterTime.signature.hash.length()).toBe(20);
    expect(ping.operationTime).toBeInstanceOf(Timestamp);
    const write = await client.db('rs').command({ insert: 'clock', documents: [{ a: 1 }] });
    expect((write.operationTime as Timestamp).greaterThan(ping.operationTime as Timestamp)).toBe(true);
    const error = await client.db('rs').command({ nosuchcommand: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).$clusterTime?.clusterTime).toBeInstanceOf(Timestamp);
  });

  it('advances its clock to a higher client-sent $clusterTime', async () => {
    // Sent raw: a driver replaces $clusterTime with the highest time it has seen.
    const future = new OurTimestamp({ t: Math.floor(Date.now() / 1000) + 3600, i: 5 });
    const signature = { hash: new Binary(Buffer.alloc(20)), keyId: OurLong.fromNumber(0) };
    const raw = await RawClient.open(server.port);
    try {
      raw.send(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { ping: 1, $clusterTime: { clusterTime: future, signature }, $db: 'admin' } }));
      const [reply] = await raw.messages(1);
      const body = (reply as DecodedOpMsg).body();
      expect(body.ok).toBe(1);
      expect((body.$clusterTime as { clusterTime: OurTimestamp }).clusterTime.equals(future)).toBe(true);
    } finally {
      raw.close();
    }
    const ping = await client.db('admin').command({ ping: 1 });
    expect((ping.$clusterTime.clusterTime as Timestamp).greaterThanOrEqual(new Timestamp({ t: future.t, i: future.i }))).toBe(true);
  });

  it('accepts readConcern snapshot and afterClusterTime', async () => {
    await coll('snap').insertOne({ _id: 1 });
    const snapshot = await client.db('rs').command({ find: 'snap', readConcern: { level: 'snapshot' } });
    expect(snapshot.cursor.firstBatch).toEqual([{ _id: 1 }]);
    const after = await client.db('rs').command({ find: 'snap', readConcern: { level: 'majority', afterClusterTime: snapshot.operationTime } });
    expect(after.cursor.firstBatch).toEqual([{ _id: 1 }]);
  });

  it('retries an insert whose connection closed, inserting it once', async () => {
    await configure({ failCommands: ['insert'], closeConnection: true });
    await coll('closed').insertOne({ _id: 'once' });
    expect(await coll('closed').countDocuments()).toBe(1);
    const inserts = startedInserts();
    expect(inserts).toHaveLength(2);
    expect(inserts[0]?.command.txnNumber).toBeDefined();
    expect(inserts[1]?.command.txnNumber).toEqual(inserts[0]?.command.txnNumber);
  });

  it('answers a retry after a retryable writeConcernError from history, not by inserting again', async () => {
    await configure({ failCommands: ['insert'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } });
    await coll('wce').insertOne({ noId: true });
    expect(await coll('wce').countDocuments()).toBe(1);
    const replies = succeeded.filter((event) => event.commandName === 'insert').map((event) => event.reply as Document);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatchObject({ n: 1, writeConcernError: { code: 91 }, errorLabels: ['RetryableWriteError'] });
    expect(replies[1]).toMatchObject({ n: 1, retriedStmtIds: [0] });
  });

  describe('onPrimaryTransactionalWrite', () => {
    const configurePrimaryWrite = (mode: Document | string, data: Document = {}) =>
      client.db('admin').command({ configureFailPoint: 'onPrimaryTransactionalWrite', mode, data });
    afterEach(async () => {
      await configurePrimaryWrite('off');
    });

    it('closes the connection after the write commits; the retry returns the recorded result', async () => {
      await configurePrimaryWrite({ times: 1 });
      const result = await coll('committed').updateOne({ _id: 1 }, { $set: { n: 1 } }, { upsert: true });
      expect(result).toMatchObject({ upsertedCount: 1, upsertedId: 1 });
      expect(await coll('committed').find().toArray()).toEqual([{ _id: 1, n: 1 }]);
      expect(started.filter((event) => event.commandName === 'update')).toHaveLength(2);
    });

    it('fails a statement before it commits: retried once, never applied twice', async () => {
      await configurePrimaryWrite({ times: 1 }, { failBeforeCommitExceptionCode: 1 });
      await coll('uncommitted').insertMany([{ _id: 1 }, { _id: 2 }]);
      expect(await coll('uncommitted').countDocuments()).toBe(2);
      await configurePrimaryWrite({ times: 2 }, { failBeforeCommitExceptionCode: 1 });
      await expect(coll('uncommitted').insertOne({ _id: 3 })).rejects.toThrow();
      expect(await coll('uncommitted').countDocuments()).toBe(2);
    });

    it('fires per executed statement (not per command, and not for replayed statements)', async () => {
      await configurePrimaryWrite({ skip: 1 });
      await coll('partial').insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
      const inserts = startedInserts();
      expect(inserts).toHaveLength(2);
      expect(inserts[1]?.command.txnNumber).toEqual(inserts[0]?.command.txnNumber);
      expect(await coll('partial').find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    });
  });

  it('does not insert twice when the same lsid + txnNumber is sent twice', async () => {
    await withRawSession(async (db, session) => {
      const command = { insert: 'raw', documents: [{ x: 1 }], txnNumber: Long.fromNumber(5) };
      const first = await db.command(command, { session });
      const second = await db.command(command, { session });
      expect(first).toMatchObject({ n: 1 });
      expect(first.retriedStmtIds).toBeUndefined();
      expect(second).toMatchObject({ n: 1, retriedStmtIds: [0] });
      expect(await coll('raw').countDocuments()).toBe(1);
      // A retry carrying one more statement runs only the new one.
      const extended = await db.command({ ...command, documents: [{ x: 1 }, { x: 2 }] }, { session });
      expect(extended).toMatchObject({ n: 2, retriedStmtIds: [0] });
      expect(await coll('raw').countDocuments()).toBe(2);
      const stale = await db.command({ ...command, txnNumber: Long.fromNumber(4) }, { session }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ code: 225, codeName: 'TransactionTooOld' });
      // A newer txnNumber starts afresh: the same statement runs again.
      expect(await db.command({ ...command, txnNumber: Long.fromNumber(6) }, { session })).toMatchObject({ n: 1 });
      expect(await coll('raw').countDocuments()).toBe(3);
    });
  });

  it('replays update, delete and findAndModify results on a retry', async () => {
    await coll('stmts').insertMany([{ _id: 1, n: 0 }, { _id: 2 }, { _id: 3 }]);
    await withRawSession(async (db, session) => {
      const update = { update: 'stmts', updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }, { q: { _id: 9 }, u: { $set: { up: true } }, upsert: true }], txnNumber: Long.fromNumber(1) };
      expect(await db.command(update, { session })).toMatchObject({ n: 2, nModified: 1, upserted: [{ index: 1, _id: 9 }] });
      expect(await db.command(update, { session })).toMatchObject({ n: 2, nModified: 1, upserted: [{ index: 1, _id: 9 }], retriedStmtIds: [0, 1] });
      const fam = { findAndModify: 'stmts', query: { _id: 1 }, update: { $inc: { n: 1 } }, new: true, txnNumber: Long.fromNumber(2) };
      expect((await db.command(fam, { session })).value).toEqual({ _id: 1, n: 2 });
      expect(await db.command(fam, { session })).toMatchObject({ value: { _id: 1, n: 2 }, retriedStmtId: 0 });
      const del = { delete: 'stmts', deletes: [{ q: { _id: { $in: [2, 3] } }, limit: 0 }], txnNumber: Long.fromNumber(3) };
      expect(await db.command(del, { session })).toMatchObject({ n: 2 });
      expect(await db.command(del, { session })).toMatchObject({ n: 2, retriedStmtIds: [0] });
    });
    expect(await coll('stmts').find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 2 }, { _id: 9, up: true }]);
  });

  it('reports write errors by the original statement index and re-runs failed statements on a retry', async () => {
    await coll('errs').insertOne({ _id: 'taken' });
    await withRawSession(async (db, session) => {
      const command = { insert: 'errs', documents: [{ _id: 'a' }, { _id: 'taken' }, { _id: 'b' }], ordered: false, txnNumber: Long.fromNumber(1) };
      const first = await db.command(command, { session });
      expect(first).toMatchObject({ n: 2, writeErrors: [{ index: 1, code: 11000 }] });
      const second = await db.command(command, { session });
      expect(second).toMatchObject({ n: 2, writeErrors: [{ index: 1, code: 11000 }], retriedStmtIds: [0, 2] });
    });
  });

  it('runs transactions (the details are in transactions*.test.ts)', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll('txn').insertOne({ a: 1 }, { session });
      await session.commitTransaction();
      expect(await coll('txn').countDocuments({ a: 1 })).toBe(1);
    } finally {
      await session.endSession();
    }
  });

  it('refuses txnNumber on a command that is not a retryable write, or when it is not a non-negative integer', async () => {
    await withRawSession(async (db, session) => {
      const error = await db.command({ find: 'raw', txnNumber: Long.fromNumber(1) }, { session }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 50768, codeName: 'NotARetryableWriteCommand' });
      await expect(db.command({ insert: 'raw', documents: [{}], txnNumber: 'one' }, { session })).rejects.toMatchObject({ code: 14 });
      await expect(db.command({ insert: 'raw', documents: [{}], txnNumber: Long.fromNumber(-1) }, { session })).rejects.toMatchObject({ code: 2 });
    });
  });
});

describe('MemoryServer standalone mode (unchanged)', () => {
  it('refuses txnNumber and readConcern snapshot, and sends no cluster time', async () => {
    const server = await MemoryServer.start();
    const client = new MongoClient(server.uri, CLIENT_OPTIONS);
    const session = client.startSession();
    try {
      expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.setName).toBeUndefined();
      expect(hello.$clusterTime).toBeUndefined();
      expect(hello.operationTime).toBeUndefined();
      const error = await client.db('t').command({ insert: 'c', documents: [{}], txnNumber: Long.fromNumber(1) }, { session }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 20, message: 'Transaction numbers are only allowed on a replica set member or mongos' });
      await expect(client.db('t').command({ find: 'c', readConcern: { level: 'snapshot' } })).rejects.toMatchObject({ code: 123 });
    } finally {
      await session.endSession();
      await client.close(true);
      await server.stop();
    }
  });

  it('rejects a bad replSet name with a typed error', async () => {
    await expect(MemoryServer.start({ replSet: '' })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ replSet: 'a/b' })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
  });

  it('parses --replSet on the command line', () => {
    expect(parseCliArgs(['--replSet', 'rs0'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, replSet: 'rs0' });
    expect(parseCliArgs(['--replSet=rs1', '--port', '0'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, replSet: 'rs1' });
    expect(parseCliArgs(['--replSet'])).toMatchObject({ kind: 'error' });
  });
});

describe('LogicalClock', () => {
  it('ticks strictly upward within a second and resets the increment on a new second', () => {
    let wall = 100;
    const clock = new LogicalClock(() => wall);
    const a = clock.tick();
    const b = clock.tick();
    expect(b.greaterThan(a)).toBe(true);
    expect([b.t, b.i]).toEqual([100, 3]);
    wall = 101;
    expect([clock.tick().t, clock.current().i]).toEqual([101, 1]);
    clock.observe({ clusterTime: 'not a timestamp' });
    clock.observe({ clusterTime: new OurTimestamp({ t: 50, i: 9 }) });
    expect(clock.current().t).toBe(101);
    clock.observe({ clusterTime: new OurTimestamp({ t: 500, i: 9 }) });
    expect([clock.current().t, clock.current().i]).toEqual([500, 9]);
  });

  it('ticks to the time nextWriteTime reserved, even when the wall clock moved on in between', () => {
    let wall = 100;
    const clock = new LogicalClock(() => wall);
    const reserved = clock.nextWriteTime();
    expect(clock.nextWriteTime()).toBe(reserved);
    wall = 101;
    expect(clock.tick().equals(reserved)).toBe(true);
    expect([clock.nextWriteTime().t, clock.nextWriteTime().i]).toEqual([101, 1]);
    // A gossiped time past the reservation makes it stale: the next tick is later than both.
    clock.observe({ clusterTime: new OurTimestamp({ t: 200, i: 1 }) });
    expect([clock.tick().t, clock.current().i]).toEqual([200, 2]);
  });
});
