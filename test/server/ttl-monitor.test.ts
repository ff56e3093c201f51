// TTL indexes: the server's TTL monitor deletes expired documents as mongod's does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError, type ChangeStreamDocument, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { eventually } from '../support/eventually.js';

/** Test documents use numeric, string and date _ids. */
type Doc = { _id?: number | string | Date; [key: string]: unknown };

const INTERVAL_MS = 50;

describe('TTL monitor (standalone)', () => {
  let server: MemoryServer;
  let client: MongoClient;

  beforeAll(async () => {
    server = await MemoryServer.start({ ttlMonitorIntervalMS: INTERVAL_MS });
    client = await MongoClient.connect(server.uri);
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('deletes documents whose indexed date is older than expireAfterSeconds, and only those', async () => {
    const coll = client.db('ttl').collection<Doc>('sessions');
    await coll.createIndex({ lastSeen: 1 }, { expireAfterSeconds: 60 });
    const old = new Date(Date.now() - 120_000);
    const fresh = new Date();
    await coll.insertMany([
      { _id: 1, lastSeen: old },
      { _id: 2, lastSeen: fresh },
      { _id: 3, lastSeen: 'not a date' },
      { _id: 4 },
      { _id: 5, lastSeen: [fresh, old] },
      { _id: 6, lastSeen: [fresh] },
      { _id: 7, lastSeen: old.getTime() },
    ]);
    await eventually(async () => (await coll.countDocuments({ _id: { $in: [1, 5] } })) === 0);
    const left = (await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(left).toEqual([2, 3, 4, 6, 7]);
    // The index stays consistent: lookups through it find nothing of the deleted ones.
    expect(await coll.find({ lastSeen: old }).toArray()).toEqual([]);
  });

  it('expireAfterSeconds: 0 expires at the stored date; dotted paths and partial filters are honoured', async () => {
    const coll = client.db('ttl').collection<Doc>('events');
    await coll.createIndex({ 'meta.expiresAt': 1 }, { expireAfterSeconds: 0, partialFilterExpression: { kind: 'temp' } });
    const past = new Date(Date.now() - 1000);
    await coll.insertMany([
      { _id: 'a', kind: 'temp', meta: { expiresAt: past } },
      { _id: 'b', kind: 'keep', meta: { expiresAt: past } },
      { _id: 'c', kind: 'temp', meta: { expiresAt: new Date(Date.now() + 3_600_000) } },
    ]);
    await eventually(async () => (await coll.countDocuments({ _id: 'a' })) === 0);
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['b', 'c']);
  });

  it('collMod changes expireAfterSeconds of an existing index', async () => {
    const coll = client.db('ttl').collection<Doc>('modded');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await coll.insertOne({ _id: 1, at: new Date(Date.now() - 60_000) });
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 3));
    expect(await coll.countDocuments()).toBe(1);
    await client.db('ttl').command({ collMod: 'modded', index: { keyPattern: { at: 1 }, expireAfterSeconds: 10 } });
    await eventually(async () => (await coll.countDocuments()) === 0);
  });

  it('expires clustered collections with expireAfterSeconds by their _id date', async () => {
    const db = client.db('ttl');
    await db.createCollection('clustered', { clusteredIndex: { key: { _id: 1 }, unique: true }, expireAfterSeconds: 30 });
    const coll = db.collection<Doc>('clustered');
    await coll.insertMany([{ _id: new Date(Date.now() - 60_000) }, { _id: new Date() }, { _id: 'x' } as Document]);
    await eventually(async () => (await coll.countDocuments()) === 2);
    expect((await coll.find().toArray()).some((d) => d._id === 'x')).toBe(true);
  });

  it('rejects TTL options mongod rejects', async () => {
    const coll = client.db('ttl').collection<Doc>('bad');
    await expect(coll.createIndex({ a: 1, b: 1 }, { expireAfterSeconds: 10 })).rejects.toMatchObject({ code: 67 });
    await expect(coll.createIndex({ a: 1 }, { expireAfterSeconds: -1 })).rejects.toMatchObject({ code: 67 });
    await expect(coll.createIndex({ a: 1 }, { expireAfterSeconds: 'soon' as unknown as number })).rejects.toBeInstanceOf(MongoServerError);
  });

  it('setParameter ttlMonitorEnabled: false pauses expiry until re-enabled', async () => {
    const admin = client.db('admin');
    const coll = client.db('ttl').collection<Doc>('paused');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
    expect((await admin.command({ setParameter: 1, ttlMonitorEnabled: false })).was).toBe(true);
    try {
      await coll.insertOne({ at: new Date(0) });
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 3));
      expect(await coll.countDocuments()).toBe(1);
      expect((await admin.command({ getParameter: 1, ttlMonitorEnabled: 1 })).ttlMonitorEnabled).toBe(false);
    } finally {
      await admin.command({ setParameter: 1, ttlMonitorEnabled: true });
    }
    await eventually(async () => (await coll.countDocuments()) === 0);
  });

  it('setParameter ttlMonitorSleepSecs changes the period at runtime, getParameter reports it', async () => {
    const admin = client.db('admin');
    const reply = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: 5 });
    expect(reply.was).toBeCloseTo(INTERVAL_MS / 1000);
    expect((await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 })).ttlMonitorSleepSecs).toBe(5);
    await expect(admin.command({ setParameter: 1, ttlMonitorSleepSecs: 0 })).rejects.toMatchObject({ code: 2 });
    await expect(admin.command({ setParameter: 1, noSuchParameter: 1 })).rejects.toMatchObject({ code: 72 });
    await expect(client.db('test').command({ setParameter: 1, ttlMonitorSleepSecs: 5 })).rejects.toMatchObject({ code: 13 });
  });
});

describe('TTL monitor options and lifecycle', () => {
  it('rejects a bad ttlMonitorIntervalMS', async () => {
    await expect(MemoryServer.start({ ttlMonitorIntervalMS: 0 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ ttlMonitorIntervalMS: Number.NaN })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
  });

  it('does not expire anything before its first period, and stops with the server', async () => {
    const server = await MemoryServer.start({ ttlMonitorIntervalMS: 60_000 });
    const client = await MongoClient.connect(server.uri);
    try {
      const coll = client.db('ttl').collection<Doc>('slow');
      await coll.createIndex({ at: 1 }, { expireAfterSeconds: 0 });
      await coll.insertOne({ at: new Date(0) });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await coll.countDocuments()).toBe(1);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});

describe('TTL monitor (replica set)', () => {
  it('deletions reach change streams as delete events', async () => {
    const server = await MemoryServer.start({ replSet: 'rs0', ttlMonitorIntervalMS: INTERVAL_MS });
    const client = await MongoClient.connect(server.uri);
    try {
      const coll = client.db('ttl').collection<Doc>('watched');
      await coll.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
      const stream = coll.watch([{ $match: { operationType: 'delete' } }]);
      const next = stream.next();
      // The stream is open once its aggregate ran; give it a moment before the insert.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await coll.insertOne({ _id: 42, at: new Date(Date.now() - 10_000) });
      const event = (await next) as ChangeStreamDocument<Document>;
      expect(event.operationType).toBe('delete');
      expect(event.operationType === 'delete' ? event.documentKey._id : undefined).toBe(42);
      await stream.close();
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
