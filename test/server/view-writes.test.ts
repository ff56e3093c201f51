// Writes to a view, checked through the official driver: every write path fails with
// CommandNotSupportedOnView (166) as mongod 8.0 does, and collMod changes a view's
// definition. Expected wording from mongodb/mongo: "Namespace <ns> is a view, not a collection"
// (catalog_raii.cpp / shard_role view checks, reported per statement by write_ops_exec.cpp's
// handleError), "Cannot create indexes on a view" (create_indexes_cmd.cpp), and
// "option not supported on a view: <name>" / "'<option>' option only supported on a view"
// (catalog/coll_mod.cpp).
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

/** Test documents use numeric and string _ids. */
type Doc = { _id: number | string; [key: string]: unknown };

let server: MemoryServer;
let client: MongoClient;
let db: Db;
const VIEW_ERROR = { code: 166, errmsg: 'Namespace views.adults is a view, not a collection' };

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
  await client.connect();
  db = client.db('views');
  await db.collection<Doc>('people').insertMany([
    { _id: 1, age: 30 },
    { _id: 2, age: 10 },
  ]);
  await db.createCollection('adults', { viewOn: 'people', pipeline: [{ $match: { age: { $gte: 18 } } }] });
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (error: unknown) => error,
  );
}

describe('writes to a view', () => {
  it('insert: one write error per document (ordered stops at the first), nothing created', async () => {
    const ordered = await rejection(db.collection<Doc>('adults').insertMany([{ _id: 40, age: 40 }, { _id: 50, age: 50 }]));
    expect(ordered).toBeInstanceOf(MongoBulkWriteError);
    const orderedErrors = (ordered as MongoBulkWriteError).writeErrors;
    expect(Array.isArray(orderedErrors) ? orderedErrors.map((e) => [e.index, e.code, e.errmsg]) : []).toEqual([[0, 166, VIEW_ERROR.errmsg]]);

    const unordered = await rejection(db.collection<Doc>('adults').insertMany([{ _id: 40, age: 40 }, { _id: 50, age: 50 }], { ordered: false }));
    const unorderedErrors = (unordered as MongoBulkWriteError).writeErrors;
    expect(Array.isArray(unorderedErrors) ? unorderedErrors.map((e) => e.index) : []).toEqual([0, 1]);

    const [info] = await db.listCollections({ name: 'adults' }).toArray();
    expect(info).toMatchObject({ type: 'view', options: { viewOn: 'people' } });
    expect(await db.collection<Doc>('people').countDocuments()).toBe(2);
  });

  it('update and delete fail per statement, upserts included', async () => {
    await expect(db.collection<Doc>('adults').updateOne({ _id: 1 }, { $set: { x: 1 } })).rejects.toMatchObject(VIEW_ERROR);
    await expect(db.collection<Doc>('adults').updateOne({ _id: 9 }, { $set: { x: 1 } }, { upsert: true })).rejects.toMatchObject(VIEW_ERROR);
    await expect(db.collection<Doc>('adults').deleteMany({})).rejects.toMatchObject(VIEW_ERROR);
    expect(await db.collection<Doc>('people').countDocuments()).toBe(2);
  });

  it('findAndModify fails as a command', async () => {
    const error = await rejection(db.collection<Doc>('adults').findOneAndUpdate({ _id: 1 }, { $set: { x: 1 } }));
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ ...VIEW_ERROR, codeName: 'CommandNotSupportedOnView' });
    await expect(db.collection<Doc>('adults').findOneAndDelete({ _id: 1 })).rejects.toMatchObject(VIEW_ERROR);
  });

  it('bulkWrite (the 8.0 command) reports each op on the view', async () => {
    const reply = await client.db('admin').command({
      bulkWrite: 1,
      ops: [{ insert: 0, document: { age: 20 } }, { update: 0, filter: {}, updateMods: { $set: { y: 1 } } }, { delete: 0, filter: {} }],
      nsInfo: [{ ns: 'views.adults' }],
      ordered: false,
    });
    expect(reply.nErrors).toBe(3);
    const entries = reply.cursor.firstBatch as Array<{ ok: number; code: number; errmsg: string }>;
    expect(entries.map((e) => [e.ok, e.code, e.errmsg])).toEqual(Array(3).fill([0, 166, VIEW_ERROR.errmsg]));
  });

  it('createIndexes fails with mongod\'s message', async () => {
    await expect(db.collection<Doc>('adults').createIndex({ age: 1 })).rejects.toMatchObject({ code: 166, errmsg: 'Cannot create indexes on a view' });
  });

  it('listIndexes and dropIndexes fail too', async () => {
    await expect(db.collection<Doc>('adults').indexes()).rejects.toMatchObject(VIEW_ERROR);
    await expect(db.collection<Doc>('adults').dropIndex('x_1')).rejects.toMatchObject({ code: 166, errmsg: 'Cannot drop indexes on view views.adults' });
  });

  it('reads still work', async () => {
    expect(await db.collection<Doc>('adults').find().toArray()).toEqual([{ _id: 1, age: 30 }]);
  });
});

describe('collMod on a view', () => {
  it('changes viewOn and pipeline', async () => {
    await db.createCollection('kids', { viewOn: 'people', pipeline: [{ $match: { age: { $lt: 18 } } }] });
    await db.collection<Doc>('others').insertOne({ _id: 'o', age: 5 });
    await db.command({ collMod: 'kids', viewOn: 'others', pipeline: [{ $match: { age: { $lt: 6 } } }] });
    expect(await db.collection<Doc>('kids').find().toArray()).toEqual([{ _id: 'o', age: 5 }]);
    const [info] = await db.listCollections({ name: 'kids' }).toArray();
    expect(info).toMatchObject({ type: 'view', options: { viewOn: 'others', pipeline: [{ $match: { age: { $lt: 6 } } }] } });
  });

  it('rejects collection options on a view and view options on a collection', async () => {
    await expect(db.command({ collMod: 'adults', validator: { a: 1 } })).rejects.toMatchObject({ code: 72, errmsg: 'option not supported on a view: validator' });
    await expect(db.command({ collMod: 'people', viewOn: 'x' })).rejects.toMatchObject({ code: 72, errmsg: "'viewOn' option only supported on a view" });
    await expect(db.command({ collMod: 'people', pipeline: [] })).rejects.toMatchObject({ code: 72, errmsg: "'pipeline' option only supported on a view" });
    await expect(db.command({ collMod: 'adults', viewOn: 3 })).rejects.toMatchObject({ code: 14 });
  });
});
