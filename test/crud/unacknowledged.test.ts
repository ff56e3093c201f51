// Unacknowledged (w: 0) writes go out as OP_MSG with moreToCome: no reply is awaited,
// the result says acknowledged: false, and commandSucceeded publishes { ok: 1 }.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';
import { Client } from '../../src/crud/client.js';
import { Executor } from '../../src/crud/executor.js';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { InsertOneOperation } from '../../src/crud/operations/write.js';
import type { CommandSucceededEvent } from '../../src/monitoring/command-events.js';
import { FakeTarget } from './support/fake-target.js';

const W0 = { writeConcern: { w: 0 } } as const;

describe('unacknowledged writes against MemoryServer', () => {
  let server: MemoryServer;
  let client: Client;

  beforeAll(async () => {
    server = await MemoryServer.start();
    // One connection: OP_MSG ordering on it makes a later command see the w: 0 write.
    client = new Client(`${server.uri}${server.uri.includes('?') ? '&' : '?'}maxPoolSize=1`);
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('insertOne/updateOne/deleteMany/bulkWrite report acknowledged: false and the writes land', async () => {
    const coll = client.db('unack').collection('writes');
    const inserted = await coll.insertOne({ _id: 1, n: 1 }, W0);
    expect(inserted).toEqual({ acknowledged: false, insertedId: 1 });
    expect((await coll.updateOne({ _id: 1 }, { $set: { n: 2 } }, W0)).acknowledged).toBe(false);
    const bulk = await coll.bulkWrite([{ insertOne: { document: { _id: 2, n: 0 } } }, { insertOne: { document: { _id: 3, n: 0 } } }], W0);
    expect(bulk.acknowledged).toBe(false);
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 2 },
      { _id: 2, n: 0 },
      { _id: 3, n: 0 },
    ]);
    expect((await coll.deleteMany({ n: 0 }, W0)).acknowledged).toBe(false);
    expect(await coll.find({}).toArray()).toEqual([{ _id: 1, n: 2 }]);
  });

  it('client bulkWrite (unordered) reports acknowledged: false without reading a results cursor', async () => {
    const started: string[] = [];
    const onStarted = (e: { commandName: string }) => started.push(e.commandName);
    client.on('commandStarted', onStarted);
    try {
      const result = await client.bulkWrite([{ insertOne: { namespace: 'unack.client', document: { _id: 1 } } }], { ordered: false, ...W0 });
      expect(result.acknowledged).toBe(false);
    } finally {
      client.off('commandStarted', onStarted);
    }
    expect(started).toEqual(['bulkWrite']);
    expect(await client.db('unack').collection('client').find({}).toArray()).toEqual([{ _id: 1 }]);
  });

  it('findOneAndUpdate with w: 0 returns null and still updates', async () => {
    const coll = client.db('unack').collection('fam');
    await coll.insertOne({ _id: 1, n: 1 });
    expect(await coll.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, W0)).toBeNull();
    expect(await coll.findOne({ _id: 1 })).toEqual({ _id: 1, n: 2 });
  });

  it('publishes commandSucceeded with reply { ok: 1 }', async () => {
    const succeeded: CommandSucceededEvent[] = [];
    const onSucceeded = (e: CommandSucceededEvent) => succeeded.push(e);
    client.on('commandSucceeded', onSucceeded);
    try {
      await client.db('unack').collection('events').insertOne({ _id: 1 }, W0);
    } finally {
      client.off('commandSucceeded', onSucceeded);
    }
    expect(succeeded.map((e) => [e.commandName, e.reply])).toEqual([['insert', { ok: 1 }]]);
  });

  it('does not wait for the server: a blocked insert does not delay the w: 0 promise', async () => {
    const blockTimeMS = 2000;
    // A separate client, so the follow-up find need not queue behind the blocked insert.
    const other = new Client(server.uri);
    try {
      await other.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], blockConnection: true, blockTimeMS } });
      const coll = client.db('unack').collection('blocked');
      const started = performance.now();
      const result = await coll.insertOne({ _id: 1 }, W0);
      const elapsed = performance.now() - started;
      expect(result.acknowledged).toBe(false);
      // A generous bound: awaiting the reply would take the whole block (2 s).
      expect(elapsed).toBeLessThan(blockTimeMS * 0.75);
      // The same connection serves the find after the blocked insert: it sees the write.
      expect(await coll.find({}).toArray()).toEqual([{ _id: 1 }]);
    } finally {
      await other.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
      await other.close();
    }
  });
});

describe('unacknowledged writes: executor send path', () => {
  it('sends a w: 0 write with sendUnacknowledged and hands { ok: 1 } to the operation', async () => {
    // Were this reply read, the write would fail: a w: 0 write must read none.
    const target = new FakeTarget(() => ({ ok: 0, errmsg: 'no reply may be read for w: 0' }));
    const events = new TypedEventEmitter<ClientEventMap>();
    const replies: unknown[] = [];
    events.on('commandSucceeded', (e) => replies.push(e.reply));
    const executor = new Executor({ target, events, retryReads: true, retryWrites: true });
    const result = await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, W0));
    expect(result).toEqual({ acknowledged: false, insertedId: 1 });
    expect(target.sent).toHaveLength(1);
    expect(target.sent[0]).toMatchObject({ db: 'db', unacknowledged: true, body: { insert: 'c', writeConcern: { w: 0 } } });
    expect(replies).toEqual([{ ok: 1 }]);
  });

  it('sends an acknowledged write with command', async () => {
    const target = new FakeTarget(() => ({ ok: 1, n: 1 }));
    const executor = new Executor({ target, events: new TypedEventEmitter<ClientEventMap>(), retryReads: true, retryWrites: true });
    const result = await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, { writeConcern: { w: 1 } }));
    expect(result.acknowledged).toBe(true);
    expect(target.sent[0].unacknowledged).toBeUndefined();
  });
});
