// CRUD round trips through Client → Topology → real Connection/pool → MemoryServer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';
import { Client } from '../../src/crud/client.js';
import { MongoBulkWriteError, MongoClientClosedError, MongoInvalidArgumentError, MongoServerError, MongoWriteError } from '../../src/errors.js';
import type { CommandStartedEvent, CommandSucceededEvent } from '../../src/monitoring/command-events.js';

let server: MemoryServer;
let client: Client;

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new Client(server.uri);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

function record(c: Client) {
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];
  const onStarted = (e: CommandStartedEvent) => started.push(e);
  const onSucceeded = (e: CommandSucceededEvent) => succeeded.push(e);
  c.on('commandStarted', onStarted);
  c.on('commandSucceeded', onSucceeded);
  return { started, succeeded, stop: () => (c.off('commandStarted', onStarted), c.off('commandSucceeded', onSucceeded)) };
}

describe('CRUD against MemoryServer', () => {
  it('insert, find, update, replace, delete round trip', async () => {
    const coll = client.db('it').collection<{ _id?: unknown; sku: string; qty: number }>('roundtrip');
    const one = await coll.insertOne({ sku: 'a', qty: 2 });
    expect(one.acknowledged).toBe(true);
    const many = await coll.insertMany([{ sku: 'b', qty: 5 }, { sku: 'c', qty: 1 }]);
    expect(many.insertedCount).toBe(2);
    expect(Object.keys(many.insertedIds)).toEqual(['0', '1']);
    expect((await coll.findOne({ _id: one.insertedId }))?.sku).toBe('a');
    const sorted = await coll.find({ qty: { $gt: 1 } }, { sort: { qty: -1 }, projection: { _id: 0 } }).toArray();
    expect(sorted).toEqual([{ sku: 'b', qty: 5 }, { sku: 'a', qty: 2 }]);
    expect(await coll.updateOne({ sku: 'c' }, { $inc: { qty: 10 } })).toEqual({ acknowledged: true, matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });
    const upsert = await coll.updateOne({ sku: 'z' }, { $set: { qty: 0 } }, { upsert: true });
    expect(upsert.upsertedCount).toBe(1);
    expect(upsert.upsertedId).toBeDefined();
    expect((await coll.replaceOne({ sku: 'z' }, { sku: 'z', qty: 9 })).modifiedCount).toBe(1);
    expect(await coll.countDocuments({ qty: { $gte: 2 } })).toBe(4);
    expect(await coll.estimatedDocumentCount()).toBe(4);
    expect((await coll.distinct('sku')).sort()).toEqual(['a', 'b', 'c', 'z']);
    expect((await coll.deleteMany({ qty: { $lt: 3 } })).deletedCount).toBe(1);
    expect((await coll.deleteOne({ sku: 'z' })).deletedCount).toBe(1);
  });

  it('findOneAnd* return the document before or after', async () => {
    const coll = client.db('it').collection('fam');
    await coll.insertOne({ _id: 1, n: 1 });
    expect(await coll.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 1, n: 1 });
    expect(await coll.findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnDocument: 'after' })).toEqual({ _id: 1, n: 3 });
    expect(await coll.findOneAndReplace({ _id: 1 }, { m: 1 }, { returnDocument: 'after' })).toEqual({ _id: 1, m: 1 });
    expect(await coll.findOneAndDelete({ _id: 1 })).toEqual({ _id: 1, m: 1 });
    expect(await coll.findOneAndDelete({ _id: 1 })).toBeNull();
  });

  it('rejects bad update and replacement documents before sending', async () => {
    const coll = client.db('it').collection('validate');
    await expect(coll.updateOne({}, { a: 1 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
    await expect(coll.replaceOne({}, { $set: { a: 1 } })).rejects.toThrow(/\$set/);
  });

  it('a find cursor spans several getMore batches and shares one operationId', async () => {
    const coll = client.db('it').collection('batches');
    await coll.insertMany(Array.from({ length: 25 }, (_, i) => ({ i })));
    const events = record(client);
    const seen: number[] = [];
    for await (const doc of coll.find({}, { batchSize: 7, sort: { i: 1 } })) seen.push(doc.i as number);
    events.stop();
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const names = events.started.map((e) => e.commandName);
    expect(names).toEqual(['find', 'getMore', 'getMore', 'getMore']);
    expect(new Set(events.started.map((e) => e.operationId)).size).toBe(1);
    expect(events.succeeded.map((e) => e.requestId)).toEqual(events.started.map((e) => e.requestId));
  });

  it('breaking out of for-await sends killCursors', async () => {
    const coll = client.db('it').collection('breaks');
    await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
    const events = record(client);
    for await (const doc of coll.find({}, { batchSize: 5 })) if (doc.i === 2) break;
    events.stop();
    expect(events.started.map((e) => e.commandName)).toEqual(['find', 'killCursors']);
    expect(events.succeeded.at(-1)?.commandName).toBe('killCursors');
  });

  it('publishes command events with ids, address and duration', async () => {
    const events = record(client);
    await client.db('it').collection('events').insertOne({ a: 1 });
    events.stop();
    const [started] = events.started;
    const [succeeded] = events.succeeded;
    expect(started).toMatchObject({ commandName: 'insert', databaseName: 'it', address: `127.0.0.1:${server.port}` });
    expect(started.command.documents).toHaveLength(1);
    expect(typeof started.connectionId).toBe('number');
    expect(typeof started.requestId).toBe('number');
    expect(succeeded.durationMS).toBeGreaterThanOrEqual(0);
    expect(succeeded.reply.ok).toBe(1);
  });

  it('bulkWrite merges results and maps write errors to operation indexes', async () => {
    const coll = client.db('it').collection('bulk');
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 1 } } },
      { insertOne: { document: { _id: 2 } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { x: 1 } } } },
      { updateOne: { filter: { _id: 3 }, update: { $set: { x: 3 } }, upsert: true } },
      { deleteOne: { filter: { _id: 2 } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 2, matchedCount: 1, modifiedCount: 1, upsertedCount: 1, deletedCount: 1, upsertedIds: { 3: 3 }, insertedIds: { 0: 1, 1: 2 } });

    const error = await coll
      .bulkWrite([{ insertOne: { document: { _id: 10 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 11 } } }], { ordered: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    expect(bulkError.writeErrors.map((e) => [e.index, e.code])).toEqual([[1, 11000]]);
    expect((bulkError.result as { insertedCount: number }).insertedCount).toBe(2);
  });

  it('a top-level error that stops a bulk write is its cause, with the partial result and the cause\'s labels', async () => {
    const coll = client.db('it').collection('stopped-bulk');
    await client.db('admin').command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['delete'], errorCode: 8, errorLabels: ['SomeLabel'] },
    });
    const error = await coll
      .bulkWrite([{ insertOne: { document: { _id: 1 } } }, { deleteOne: { filter: { _id: 1 } } }, { insertOne: { document: { _id: 2 } } }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    const bulkError = error as MongoBulkWriteError;
    expect(bulkError.cause).toBeInstanceOf(MongoServerError);
    expect(bulkError.code).toBe(8);
    expect(bulkError.hasErrorLabel('SomeLabel')).toBe(true);
    expect(bulkError.writeErrors).toEqual([]);
    expect(bulkError.result).toMatchObject({ insertedCount: 1, deletedCount: 0, insertedIds: { 0: 1 } });
    expect(await coll.find().toArray()).toEqual([{ _id: 1 }]);
  });

  it('insertMany sends one command per batch with documents as a sequence', async () => {
    const coll = client.db('it').collection('seq');
    const events = record(client);
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
    events.stop();
    expect(events.started).toHaveLength(1);
    expect(events.started[0].command.documents).toHaveLength(50);
    expect(await coll.countDocuments()).toBe(50);
  });

  it('a duplicate key on insertOne raises MongoWriteError', async () => {
    const coll = client.db('it').collection('dup');
    await coll.insertOne({ _id: 'k' });
    await expect(coll.insertOne({ _id: 'k' })).rejects.toBeInstanceOf(MongoWriteError);
  });

  it('indexes, collections and databases', async () => {
    const db = client.db('ddl');
    const coll = await db.createCollection('things');
    expect(await coll.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    const names = (await coll.listIndexes().toArray()).map((i) => i.name);
    expect(names).toContain('a_1_b_-1');
    await coll.dropIndex('a_1_b_-1');
    expect(await db.listCollectionNames()).toContain('things');
    const renamed = await coll.rename('things2');
    expect(renamed.collectionName).toBe('things2');
    expect(await renamed.drop()).toBe(true);
    expect(typeof (await db.dropCollection('never-existed'))).toBe('boolean');
    const aggregated = await client.db('it').collection('roundtrip').aggregate([{ $count: 'n' }]).toArray();
    expect(aggregated).toHaveLength(1);
    expect((await client.listDatabases()).databases.map((d) => d.name)).toContain('it');
    expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('a closed client refuses operations; await using closes', async () => {
    let closed: Client | undefined;
    {
      await using c = new Client(server.uri);
      await c.db('x').command({ ping: 1 });
      closed = c;
    }
    await expect(closed.db('x').command({ ping: 1 })).rejects.toBeInstanceOf(MongoClientClosedError);
  });
});
