// Change-stream cursors on the embedded replica set: postBatchResumeToken on
// every reply, resumeAfter / startAfter / startAtOperationTime, the errors for
// tokens the server cannot resume from, awaitData getMores, batchSize, the
// user's stages, and resumable-error labels.
import { describe, expect, it } from 'vitest';
import { MongoServerError, Timestamp, type Document } from 'mongodb';
import { getMore, nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;
const freshDb = () => fixture.client.db(`resume${++dbCounter}`);

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('change-stream cursors (official driver, one-member replica set)', () => {
  it('every aggregate and getMore reply carries postBatchResumeToken', async () => {
    const db = freshDb();
    const opened = await openStream(db, 'c');
    expect(Object.keys(opened)).toEqual(['firstBatch', 'postBatchResumeToken', 'id', 'ns']);
    expect(opened.postBatchResumeToken).toEqual({ _data: expect.any(String) });
    expect(Number(opened.id)).not.toBe(0);
    const empty = await getMore(db, opened);
    expect(empty.nextBatch).toEqual([]);
    expect(empty.postBatchResumeToken).toEqual(opened.postBatchResumeToken);
    await db.collection<TestDoc>('c').insertOne({ _id: 1 });
    const full = await getMore(db, opened);
    expect(full.postBatchResumeToken).toEqual((full.nextBatch as Document[])[0]?._id);
    // Writes elsewhere move the high-water mark on without events for this stream.
    await db.collection<TestDoc>('other').insertOne({ _id: 1 });
    const moved = await getMore(db, opened);
    expect(moved.nextBatch).toEqual([]);
    expect(String(moved.postBatchResumeToken._data) > String(full.postBatchResumeToken._data)).toBe(true);
  });

  it('resumeAfter an event, or a high-water mark, continues right after it', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    const opened = await openStream(db, 'c');
    const mark = opened.postBatchResumeToken as Document;
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const [first] = await nextEvents(db, opened);
    const afterFirst = await openStream(db, 'c', { resumeAfter: first?._id });
    expect((afterFirst.firstBatch as Document[]).map((e) => e.documentKey._id)).toEqual([2, 3]);
    const fromMark = await openStream(db, 'c', { resumeAfter: mark });
    expect((fromMark.firstBatch as Document[]).map((e) => e.documentKey._id)).toEqual([1, 2, 3]);
  });

  it('startAfter an invalidate starts a new stream; resumeAfter an invalidate is refused (260)', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('c').insertOne({ _id: 1 });
    const opened = await openStream(db, 'c');
    await db.collection<TestDoc>('c').drop();
    const [drop, invalidate] = await nextEvents(db, opened);
    expect(invalidate?.operationType).toBe('invalidate');
    await db.collection<TestDoc>('c').insertOne({ _id: 2 });
    const restarted = await openStream(db, 'c', { startAfter: invalidate?._id });
    expect((restarted.firstBatch as Document[]).map((e) => e.operationType)).toEqual(['insert']);
    expect((await failure(openStream(db, 'c', { resumeAfter: invalidate?._id }))).code).toBe(260);
    // Resuming after the drop itself yields the invalidate again.
    const afterDrop = await openStream(db, 'c', { resumeAfter: drop?._id });
    expect((afterDrop.firstBatch as Document[]).map((e) => e.operationType)).toEqual(['invalidate']);
    expect(Number(afterDrop.id)).toBe(0);
  });

  it("startAtOperationTime includes the write whose operationTime it is", async () => {
    const db = freshDb();
    const session = fixture.client.startSession();
    try {
      await db.collection<TestDoc>('c').insertOne({ _id: 1 }, { session });
      const time = session.operationTime;
      expect(time).toBeInstanceOf(Timestamp);
      await db.collection<TestDoc>('c').insertOne({ _id: 2 });
      const opened = await openStream(db, 'c', { startAtOperationTime: time });
      expect((opened.firstBatch as Document[]).map((e) => e.documentKey._id)).toEqual([1, 2]);
    } finally {
      await session.endSession();
    }
  });

  it('tokens the server cannot resume from: malformed 260, unknown 280, conflicting options', async () => {
    const db = freshDb();
    expect((await failure(openStream(db, 'c', { resumeAfter: { _data: 'zz' } }))).code).toBe(260);
    const future = { _data: `82${'F'.repeat(16)}${'0'.repeat(15)}F01` };
    const notFound = await failure(openStream(db, 'c', { resumeAfter: future }));
    expect(notFound.code).toBe(280);
    expect(notFound.errorLabels).toContain('NonResumableChangeStreamError');
    const opened = await openStream(db, 'c');
    expect((await failure(openStream(db, 'c', { resumeAfter: opened.postBatchResumeToken, startAfter: opened.postBatchResumeToken }))).code).toBe(50865);
    expect((await failure(openStream(db, 'c', { resumeAfter: opened.postBatchResumeToken, startAtOperationTime: new Timestamp({ t: 1, i: 1 }) }))).code).toBe(40674);
    expect((await failure(openStream(db, 'c', { fullDocument: 'sometimes' }))).code).toBe(2);
    expect((await failure(openStream(db, 'c', { notAnOption: true }))).code).toBe(40415);
  });

  it('getMore awaits data: an empty batch after maxTimeMS keeps the cursor open; a write during the wait is returned', async () => {
    const db = freshDb();
    const opened = await openStream(db, 'c');
    const idle = await getMore(db, opened, { maxTimeMS: 30 });
    expect(idle.nextBatch).toEqual([]);
    expect(String(idle.id)).toBe(String(opened.id));
    const waiting = getMore(db, opened, { maxTimeMS: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await db.collection<TestDoc>('c').insertOne({ _id: 1 });
    const woken = await waiting;
    expect((woken.nextBatch as Document[]).map((e) => e.documentKey._id)).toEqual([1]);
  });

  it('batchSize limits the first batch and each getMore', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    const opened = await openStream(db, 'c');
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const resumed = await openStream(db, 'c', { resumeAfter: opened.postBatchResumeToken }, { batchSize: 2 });
    expect((resumed.firstBatch as Document[]).length).toBe(2);
    expect(resumed.postBatchResumeToken).toEqual((resumed.firstBatch as Document[])[1]?._id);
    const rest = await getMore(db, resumed, { batchSize: 5 });
    expect((rest.nextBatch as Document[]).map((e) => e.documentKey._id)).toEqual([3]);
    const zero = await openStream(db, 'c', { resumeAfter: opened.postBatchResumeToken }, { batchSize: 0 });
    expect(zero.firstBatch).toEqual([]);
    expect((await nextEvents(db, zero)).length).toBe(3);
  });

  it("the user's stages run over events; changing _id is ChangeStreamFatalError (280)", async () => {
    const db = freshDb();
    const matched = await openStream(db, 'c', {}, { stages: [{ $match: { 'fullDocument.keep': true } }, { $project: { keep: '$fullDocument.keep' } }] });
    const hidden = await openStream(db, 'c', {}, { stages: [{ $project: { _id: 0 } }] });
    await db.collection<TestDoc>('c').insertMany([{ _id: 1, keep: false }, { _id: 2, keep: true }]);
    const events = await nextEvents(db, matched);
    expect(events).toEqual([{ _id: events[0]?._id, keep: true }]);
    const fatal = await failure(getMore(db, hidden));
    expect(fatal.code).toBe(280);
    expect(fatal.errorLabels).toContain('NonResumableChangeStreamError');
    expect((await failure(openStream(db, 'c', {}, { stages: [{ $unsupported: 1 }] }))).code).toBe(40324);
    expect((await failure(openStream(db, 'c', {}, { stages: [{ $group: { _id: null } }] }))).code).toBe(20);
  });

  it('resumable getMore failures carry ResumableChangeStreamError; failCommand passes its own labels through', async () => {
    const db = freshDb();
    const admin = fixture.client.db('admin');
    const opened = await openStream(db, 'c');
    await admin.command({ configureFailPoint: 'failGetMoreAfterCursorCheckout', mode: { times: 1 }, data: { errorCode: 6 } });
    const labelled = await failure(getMore(db, opened));
    expect(labelled.code).toBe(6);
    expect(labelled.errorLabels).toEqual(['ResumableChangeStreamError']);
    const second = await openStream(db, 'c');
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], errorCode: 50, errorLabels: ['ResumableChangeStreamError'] } });
    expect((await failure(getMore(db, second))).errorLabels).toEqual(['ResumableChangeStreamError']);
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], errorCode: 6 } });
    expect((await failure(getMore(db, second))).errorLabels).toEqual([]);
  });

  it('the driver watch() helper resumes across a closed connection without losing events', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    const stream = coll.watch([], { batchSize: 1 });
    try {
      expect(await stream.tryNext()).toBeNull();
      await fixture.client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], closeConnection: true } });
      await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
      const seen: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        const event = await stream.next();
        seen.push('documentKey' in event ? event.documentKey : event.operationType);
      }
      expect(seen).toEqual([{ _id: 1 }, { _id: 2 }]);
    } finally {
      await stream.close();
    }
  });

  it('a change stream cannot be opened inside a transaction (263)', async () => {
    const db = freshDb();
    await db.createCollection('c');
    const session = fixture.client.startSession();
    try {
      session.startTransaction();
      const error = await failure(db.command({ aggregate: 'c', pipeline: [{ $changeStream: {} }], cursor: {} }, { session }));
      expect(error.code).toBe(263);
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('aggregate with explain checks and describes the stream without opening a cursor', async () => {
    const db = freshDb();
    const explained = await db.command({ aggregate: 'c', pipeline: [{ $changeStream: {} }, { $match: { operationType: 'insert' } }], explain: true });
    expect(explained.stages).toEqual([{ $changeStream: {} }, { $match: { operationType: 'insert' } }]);
    expect((await failure(db.command({ aggregate: 'c', pipeline: [{ $changeStream: { resumeAfter: { _data: 'x' } } }], explain: true }))).code).toBe(260);
  });

  it('killCursors ends a stream cursor', async () => {
    const db = freshDb();
    const opened = await openStream(db, 'c');
    await db.command({ killCursors: 'c', cursors: [opened.id] });
    expect((await failure(getMore(db, opened))).code).toBe(43);
  });
});
