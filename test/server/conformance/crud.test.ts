// Data commands through the official driver: CRUD, multi-batch cursors,
// aggregation, indexes, duplicate keys, catalog listings and error shapes.
import { describe, expect, it } from 'vitest';
import { MongoServerError, type Collection } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

describe('CRUD and cursors (official driver)', () => {
  const fixture = useServer();
  const db = () => fixture.client.db('conformance');
  // Numeric _ids: the driver's default schema types _id as ObjectId.
  const numbered = (name: string): Collection<{ _id: number; x?: number; y?: string; i?: number }> => db().collection(name);

  it('inserts, finds, updates and deletes', async () => {
    const coll = numbered('crud');
    const inserted = await coll.insertMany([{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }]);
    expect(inserted.insertedCount).toBe(3);
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, x: 2 });
    const updated = await coll.updateOne({ _id: 2 }, { $set: { y: 'two' } });
    expect(updated).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const upserted = await coll.updateOne({ _id: 4 }, { $set: { x: 4 } }, { upsert: true });
    expect(upserted.upsertedId).toBe(4);
    expect(await coll.find({ x: { $gte: 2 } }).sort({ x: -1 }).project({ _id: 1 }).toArray()).toEqual([{ _id: 4 }, { _id: 3 }, { _id: 2 }]);
    expect((await coll.deleteMany({ x: { $lt: 3 } })).deletedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(2);
    const found = await coll.findOneAndUpdate({ _id: 3 }, { $inc: { x: 10 } }, { returnDocument: 'after' });
    expect(found).toEqual({ _id: 3, x: 13 });
  });

  it('$unionWith (a name, or coll + pipeline) and $graphLookup read other collections', async () => {
    const a = numbered('union-a');
    const b = numbered('union-b');
    await a.insertMany([{ _id: 1, x: 1 }, { _id: 2, x: 2 }]);
    await b.insertMany([{ _id: 10, x: 10 }, { _id: 11, x: 11 }]);
    expect(await a.aggregate([{ $unionWith: 'union-b' }, { $project: { _id: 1 } }]).toArray()).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 10 }, { _id: 11 }]);
    const piped = await a.aggregate([{ $match: { _id: 1 } }, { $unionWith: { coll: 'union-b', pipeline: [{ $match: { x: { $gt: 10 } } }] } }]).toArray();
    expect(piped).toEqual([{ _id: 1, x: 1 }, { _id: 11, x: 11 }]);
    const people = db().collection<{ _id: string; boss?: string }>('graph');
    await people.insertMany([{ _id: 'ann' }, { _id: 'bob', boss: 'ann' }, { _id: 'cy', boss: 'bob' }]);
    const chain = await people
      .aggregate([{ $match: { _id: 'cy' } }, { $graphLookup: { from: 'graph', startWith: '$boss', connectFromField: 'boss', connectToField: '_id', as: 'bosses' } }, { $project: { n: { $size: '$bosses' } } }])
      .toArray();
    expect(chain).toEqual([{ _id: 'cy', n: 2 }]);
  });

  it('$out and $merge refuse a view as their target', async () => {
    const src = numbered('out-src');
    await src.insertOne({ _id: 1, x: 1 });
    await db().createCollection('out-view', { viewOn: 'out-src', pipeline: [] });
    for (const stage of [{ $out: 'out-view' }, { $merge: { into: 'out-view' } }]) {
      const error = await src.aggregate([stage]).toArray().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(166);
    }
    expect(await db().collection('out-view').countDocuments()).toBe(1);
  });

  it('reads 250 documents through several getMore batches', async () => {
    const coll = numbered('many');
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, i })));
    const seen = await coll.find({}, { batchSize: 20 }).sort({ _id: 1 }).toArray();
    expect(seen.map((d) => d._id)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const cursor = coll.find({}, { batchSize: 20 });
    await cursor.next();
    await cursor.close();
  });

  it('runs an aggregation', async () => {
    const coll = db().collection('sales');
    await coll.insertMany([{ item: 'a', qty: 2 }, { item: 'b', qty: 5 }, { item: 'a', qty: 3 }]);
    const totals = await coll.aggregate([{ $group: { _id: '$item', total: { $sum: '$qty' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(totals).toEqual([{ _id: 'a', total: 5 }, { _id: 'b', total: 5 }]);
  });

  it('enforces unique indexes with the real duplicate key error shape', async () => {
    const coll = db().collection('users');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    await coll.insertOne({ email: 'a@example.com' });
    const error = await coll.insertOne({ email: 'a@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@example.com' } });
    const names = (await coll.listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(['_id_', 'email_1']);
  });

  it('lists collections and reports NamespaceExists (48)', async () => {
    await db().createCollection('explicit');
    const names = (await db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('explicit');
    await expect(db().createCollection('explicit')).rejects.toMatchObject({ code: 48, codeName: 'NamespaceExists' });
  });

  it('reports an unknown getMore cursor as CursorNotFound (43)', async () => {
    const { Long } = await import('mongodb');
    const error = await db().command({ getMore: Long.fromString('123456789'), collection: 'many' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 43, codeName: 'CursorNotFound', message: 'cursor id 123456789 not found' });
  });

  it('kills cursors and reports the ones it did not find', async () => {
    const { Long } = await import('mongodb');
    const opened = await db().command({ find: 'many', batchSize: 2 });
    const id = opened.cursor.id;
    const reply = await db().command({ killCursors: 'many', cursors: [id, Long.fromNumber(42)] });
    expect(reply.cursorsKilled.map(String)).toEqual([String(id)]);
    expect(reply.cursorsNotFound.map(String)).toEqual(['42']);
    await expect(db().command({ getMore: id, collection: 'many' })).rejects.toMatchObject({ code: 43 });
  });

  it('fails a getMore after checkout with failGetMoreAfterCursorCheckout', async () => {
    const opened = await db().command({ find: 'many', batchSize: 2 });
    await fixture.client.db('admin').command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode: { times: 1 }, data: { errorCode: 237 } });
    await expect(db().command({ getMore: opened.cursor.id, collection: 'many' })).rejects.toMatchObject({ code: 237 });
  });

  it('refuses a getMore naming another collection', async () => {
    const opened = await db().command({ find: 'many', batchSize: 2 });
    await expect(db().command({ getMore: opened.cursor.id, collection: 'other' })).rejects.toMatchObject({ code: 13 });
    await db().command({ killCursors: 'many', cursors: [opened.cursor.id] });
  });
});
