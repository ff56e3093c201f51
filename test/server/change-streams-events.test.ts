// Change events as the embedded replica set reports them: each operationType's
// fields (mongod 8.0's shape and order), updateDescription, pre/post images,
// invalidation, and what collection, database and cluster streams see.
import { describe, expect, it } from 'vitest';
import { Binary, MongoClient, MongoServerError, Timestamp, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';
import { getMore, nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;
/** A database of its own per test, so streams see only that test's writes. */
const freshDb = () => fixture.client.db(`events${++dbCounter}`);

describe('change events (official driver, one-member replica set)', () => {
  it('a standalone refuses $changeStream with 40573', async () => {
    const standalone = await MemoryServer.start();
    const client = new MongoClient(standalone.uri, { serverSelectionTimeoutMS: 2000 });
    try {
      const error = await client.db('x').command({ aggregate: 'c', pipeline: [{ $changeStream: {} }], cursor: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(40573);
      expect((error as MongoServerError).message).toBe('The $changeStream stage is only supported on replica sets');
    } finally {
      await client.close(true);
      await standalone.stop();
    }
  });

  it('insert: _id token, operationType, clusterTime, wallTime, fullDocument, ns, documentKey in that order', async () => {
    const db = freshDb();
    await db.createCollection('c');
    const opened = await openStream(db, 'c');
    expect(opened.firstBatch).toEqual([]);
    await db.collection<TestDoc>('c').insertOne({ _id: 1, a: 'x' });
    const [event] = await nextEvents(db, opened);
    expect(Object.keys(event ?? {})).toEqual(['_id', 'operationType', 'clusterTime', 'wallTime', 'fullDocument', 'ns', 'documentKey']);
    expect(event?._id).toEqual({ _data: expect.stringMatching(/^[0-9A-F]+$/) });
    expect(event?.operationType).toBe('insert');
    expect(event?.clusterTime).toBeInstanceOf(Timestamp);
    expect(event?.wallTime).toBeInstanceOf(Date);
    expect(event?.fullDocument).toEqual({ _id: 1, a: 'x' });
    expect(event?.ns).toEqual({ db: db.databaseName, coll: 'c' });
    expect(event?.documentKey).toEqual({ _id: 1 });
  });

  it('update: updateDescription from the diff (updated, removed, truncated arrays, array elements)', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    // Values long enough that mongod logs a delta (not a replacement) and diffs inside them (see oplog-diff.ts).
    const note = 'a long enough string';
    await coll.insertOne({ _id: 1, a: 1, gone: true, arr: ['one-long-element', 'two', 'three'], nested: { note, y: 2 }, list: [{ k: 1, note }], pad: 'x'.repeat(100) });
    const opened = await openStream(db, 'c');
    await coll.updateOne({ _id: 1 }, [{ $set: { a: 2, arr: { $slice: ['$arr', 1] }, nested: { note, y: 3 }, list: [{ k: 2, note }, 'new'] } }, { $unset: 'gone' }]);
    const [event] = await nextEvents(db, opened);
    expect(event?.operationType).toBe('update');
    expect(event).not.toHaveProperty('fullDocument');
    expect(event?.updateDescription).toEqual({
      updatedFields: { a: 2, 'nested.y': 3, 'list.0.k': 2, 'list.1': 'new' },
      removedFields: ['gone'],
      truncatedArrays: [{ field: 'arr', newSize: 1 }],
    });
    expect(event?.documentKey).toEqual({ _id: 1 });
  });

  it('update with showExpandedEvents: collectionUUID and disambiguatedPaths (array indexes as ints)', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, a: { 1: 1 }, b: [{ 2: 0 }], plain: 0 });
    const opened = await openStream(db, 'c', { showExpandedEvents: true });
    await coll.updateOne({ _id: 1 }, { $set: { 'a.1': 2, 'b.0.2': 5, plain: 1 } });
    const [event] = await nextEvents(db, opened);
    expect(event?.collectionUUID).toBeInstanceOf(Binary);
    expect(event?.updateDescription.updatedFields).toEqual({ 'a.1': 2, 'b.0.2': 5, plain: 1 });
    expect(event?.updateDescription.disambiguatedPaths).toEqual({ 'a.1': ['a', '1'], 'b.0.2': ['b', 0, '2'] });
  });

  it('replace and delete, and an update that changes nothing records nothing', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, a: 1 });
    const opened = await openStream(db, 'c');
    await coll.updateOne({ _id: 1 }, { $set: { a: 1 } });
    await coll.replaceOne({ _id: 1 }, { b: 2 });
    await coll.findOneAndReplace({ _id: 1 }, { c: 3 });
    await coll.findOneAndUpdate({ _id: 1 }, { $set: { d: 4 } });
    await coll.deleteOne({ _id: 1 });
    const events = await nextEvents(db, opened);
    expect(events.map((e) => e.operationType)).toEqual(['replace', 'replace', 'update', 'delete']);
    expect(events[0]?.fullDocument).toEqual({ _id: 1, b: 2 });
    expect(events[1]?.fullDocument).toEqual({ _id: 1, c: 3 });
    expect(events[3]).toEqual({ _id: events[3]?._id, operationType: 'delete', clusterTime: events[3]?.clusterTime, wallTime: events[3]?.wallTime, ns: { db: db.databaseName, coll: 'c' }, documentKey: { _id: 1 } });
  });

  it("fullDocument: 'updateLookup' returns the document as it is now (null once deleted)", async () => {
    const db = freshDb();
    const coll = db.collection<{ _id: number; n: number }>('c');
    await coll.insertOne({ _id: 1, n: 0 });
    const opened = await openStream(db, 'c', { fullDocument: 'updateLookup' });
    await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    const events = await nextEvents(db, opened);
    expect(events.map((e) => e.fullDocument)).toEqual([{ _id: 1, n: 2 }, { _id: 1, n: 2 }]);
    await coll.updateOne({ _id: 1 }, { $inc: { n: 1 } });
    await coll.deleteOne({ _id: 1 });
    const later = await nextEvents(db, opened);
    expect(later[0]?.fullDocument).toBeNull();
  });

  it('pre- and post-images follow changeStreamPreAndPostImages at the time of the write', async () => {
    const db = freshDb();
    await db.createCollection('c', { changeStreamPreAndPostImages: { enabled: true } });
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, v: 1 });
    const opened = await openStream(db, 'c', { fullDocument: 'required', fullDocumentBeforeChange: 'required' });
    await coll.updateOne({ _id: 1 }, { $set: { v: 2 } });
    await coll.deleteOne({ _id: 1 });
    const [update, remove] = await nextEvents(db, opened);
    expect(update?.fullDocument).toEqual({ _id: 1, v: 2 });
    expect(update?.fullDocumentBeforeChange).toEqual({ _id: 1, v: 1 });
    expect(remove?.fullDocumentBeforeChange).toEqual({ _id: 1, v: 2 });

    await db.command({ collMod: 'c', changeStreamPreAndPostImages: { enabled: false } });
    const lenient = await openStream(db, 'c', { fullDocument: 'whenAvailable', fullDocumentBeforeChange: 'whenAvailable' });
    const strict = await openStream(db, 'c', { fullDocumentBeforeChange: 'required' });
    await coll.insertOne({ _id: 2, v: 1 });
    await coll.updateOne({ _id: 2 }, { $set: { v: 2 } });
    const [insert, unimaged] = await nextEvents(db, lenient);
    expect(insert).not.toHaveProperty('fullDocumentBeforeChange');
    expect(unimaged?.fullDocument).toBeNull();
    expect(unimaged?.fullDocumentBeforeChange).toBeNull();
    const error = await getMore(db, strict).catch((e: unknown) => e);
    expect((error as MongoServerError).code).toBe(47);
  });

  it('changeStreamPreAndPostImages must be { enabled: <bool> }', async () => {
    const db = freshDb();
    await expect(db.createCollection('c', { changeStreamPreAndPostImages: { enabled: 'yes' } as unknown as { enabled: boolean } })).rejects.toMatchObject({ code: 14 });
    await expect(db.createCollection('c', { changeStreamPreAndPostImages: {} as unknown as { enabled: boolean } })).rejects.toMatchObject({ code: 40414 });
  });

  it('drop ends a collection stream: drop, then invalidate, then the cursor is closed', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('c').insertOne({ _id: 1 });
    const opened = await openStream(db, 'c');
    await db.collection<TestDoc>('c').drop();
    const cursor = await getMore(db, opened);
    const batch = cursor.nextBatch as Document[];
    expect(batch.map((e) => e.operationType)).toEqual(['drop', 'invalidate']);
    expect(batch[0]).toEqual({ _id: batch[0]?._id, operationType: 'drop', clusterTime: batch[0]?.clusterTime, wallTime: batch[0]?.wallTime, ns: { db: db.databaseName, coll: 'c' } });
    expect(Object.keys(batch[1] ?? {})).toEqual(['_id', 'operationType', 'clusterTime', 'wallTime']);
    expect(Number(cursor.id)).toBe(0);
    expect(cursor.postBatchResumeToken).toEqual(batch[1]?._id);
  });

  it('rename reports the target in `to` and invalidates the stream on the source', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('c').insertOne({ _id: 1 });
    await db.collection<TestDoc>('target').insertOne({ _id: 1 });
    const opened = await openStream(db, 'c', { showExpandedEvents: true });
    await db.collection<TestDoc>('c').rename('target', { dropTarget: true });
    const batch = (await getMore(db, opened)).nextBatch as Document[];
    expect(batch.map((e) => e.operationType)).toEqual(['rename', 'invalidate']);
    expect(batch[0]?.to).toEqual({ db: db.databaseName, coll: 'target' });
    expect(batch[0]?.operationDescription).toEqual({ to: { db: db.databaseName, coll: 'target' }, dropTarget: expect.any(Binary) });
  });

  it('a database stream sees every collection of its database; dropDatabase drops each, then invalidates', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('a').insertOne({ _id: 1 });
    const opened = await openStream(db, 1);
    await db.collection<TestDoc>('b').insertOne({ _id: 2 });
    await fixture.client.db(`${db.databaseName}other`).collection<TestDoc>('a').insertOne({ _id: 3 });
    await db.dropDatabase();
    const cursor = await getMore(db, opened);
    const batch = cursor.nextBatch as Document[];
    expect(batch.map((e) => [e.operationType, e.ns])).toEqual([
      ['insert', { db: db.databaseName, coll: 'b' }],
      ['drop', { db: db.databaseName, coll: 'a' }],
      ['drop', { db: db.databaseName, coll: 'b' }],
      ['dropDatabase', { db: db.databaseName }],
      ['invalidate', undefined],
    ]);
    expect(Number(cursor.id)).toBe(0);
  });

  it('a cluster stream (admin, allChangesForCluster) sees every user database but never invalidates', async () => {
    const admin = fixture.client.db('admin');
    const opened = await openStream(admin, 1, { allChangesForCluster: true });
    expect(opened.ns).toBe('admin.$cmd.aggregate');
    const one = freshDb();
    const two = freshDb();
    await one.collection<TestDoc>('x').insertOne({ _id: 1 });
    await two.collection<TestDoc>('y').insertOne({ _id: 2 });
    await two.dropDatabase();
    const cursor = await getMore(admin, opened);
    const batch = cursor.nextBatch as Document[];
    expect(batch.map((e) => e.operationType)).toEqual(['insert', 'insert', 'drop', 'dropDatabase']);
    expect(Number(cursor.id)).not.toBe(0);
    await expect(openStream(admin, 1)).rejects.toMatchObject({ code: 73 });
    await expect(openStream(one, 1, { allChangesForCluster: true })).rejects.toBeInstanceOf(MongoServerError);
  });

  it('showExpandedEvents adds create, createIndexes, dropIndexes and modify events', async () => {
    const db = freshDb();
    const plain = await openStream(db, 1);
    const expanded = await openStream(db, 1, { showExpandedEvents: true });
    await db.createCollection('c');
    await db.collection<TestDoc>('c').createIndex({ x: 1 }, { name: 'x_1' });
    await db.command({ collMod: 'c', validator: { x: { $type: 'int' } } });
    await db.collection<TestDoc>('c').dropIndex('x_1');
    await db.createCollection('v', { viewOn: 'c', pipeline: [] });
    expect(await nextEvents(db, plain)).toEqual([]);
    const events = await nextEvents(db, expanded);
    expect(events.map((e) => e.operationType)).toEqual(['create', 'createIndexes', 'modify', 'dropIndexes', 'create']);
    expect(events[0]?.operationDescription).toEqual({ idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } });
    expect(events[1]?.operationDescription).toEqual({ indexes: [{ v: 2, key: { x: 1 }, name: 'x_1' }] });
    expect(events[2]?.operationDescription).toEqual({ validator: { x: { $type: 'int' } } });
    expect(events[2]?.stateBeforeChange).toEqual({ collectionOptions: { uuid: expect.any(Binary) } });
    expect(events[4]?.operationDescription).toEqual({ viewOn: 'c', pipeline: [] });
    expect(events[4]).not.toHaveProperty('collectionUUID');
  });

  it('writes of a committed transaction carry lsid and txnNumber', async () => {
    const db = freshDb();
    await db.createCollection('c');
    const opened = await openStream(db, 'c');
    const session = fixture.client.startSession();
    try {
      await session.withTransaction(async () => {
        await db.collection<TestDoc>('c').insertOne({ _id: 1 }, { session });
        await db.collection<TestDoc>('c').insertOne({ _id: 2 }, { session });
      });
      const events = await nextEvents(db, opened);
      expect(events.map((e) => e.documentKey)).toEqual([{ _id: 1 }, { _id: 2 }]);
      for (const event of events) {
        expect(event.lsid).toEqual({ id: session.id?.id });
        expect(event.txnNumber).toBeDefined();
        expect(event.clusterTime).toEqual(events[0]?.clusterTime);
      }
    } finally {
      await session.endSession();
    }
  });
});
