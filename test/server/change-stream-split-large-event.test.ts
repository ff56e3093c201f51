// $changeStreamSplitLargeEvent: one ~17 MB update event (updateLookup fullDocument
// plus an 8.5 MB updatedFields value) read whole, split, resumed mid-event, and the
// stage's placement errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { BSON, MongoServerError, type Db, type Document, type Timestamp } from 'mongodb';
import { getMore, openStream, useReplicaSet } from './change-streams-support.js';
import { encodeResumeToken } from '../../src/server/change-streams/resume-token.js';
import { splitEvent } from '../../src/server/change-streams/split-large-event.js';
import { Timestamp as ServerTimestamp } from '../../src/bson.js';

const fixture = useReplicaSet();
const SPLIT = { $changeStreamSplitLargeEvent: {} };
const HALF = 8_500_000;
let db: Db;
let startAt: Timestamp;

/** The error `promise` rejected with. */
async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

beforeAll(async () => {
  db = fixture.client.db('splitlarge');
  const coll = db.collection<{ _id: number; big?: string }>('c');
  await coll.insertOne({ _id: 1, big: 'a'.repeat(HALF) });
  // A write elsewhere marks a start time after the large insert (startAtOperationTime is inclusive).
  const reply = await db.command({ insert: 'other', documents: [{}] });
  startAt = reply.operationTime as Timestamp;
  await coll.updateOne({ _id: 1 }, { $set: { big: 'b'.repeat(HALF) } });
});

const large = { fullDocument: 'updateLookup' };

describe('$changeStreamSplitLargeEvent', () => {
  it('without the stage, an event over 16 MB fails the getMore with BSONObjectTooLarge (10334)', async () => {
    const opened = await openStream(db, 'c', { ...large, startAtOperationTime: startAt }, { batchSize: 0 });
    const error = await failure(getMore(db, opened));
    expect(error.code).toBe(10334);
    expect(error.message).toContain('BSONObj size');
  });

  it('with the stage, the event comes as fragments: _id, splitEvent, then fields smallest first', async () => {
    const opened = await openStream(db, 'c', { ...large, startAtOperationTime: startAt }, { stages: [SPLIT], batchSize: 0 });
    const first = (await getMore(db, opened)).nextBatch as Document[];
    const second = (await getMore(db, opened)).nextBatch as Document[];
    const fragments = [...first, ...second];
    expect(fragments).toHaveLength(2);
    expect(fragments.map((f) => f.splitEvent)).toEqual([{ fragment: 1, of: 2 }, { fragment: 2, of: 2 }]);
    const [one, two] = fragments as [Document, Document];
    expect(Object.keys(one).slice(0, 2)).toEqual(['_id', 'splitEvent']);
    expect(one.operationType).toBe('update');
    expect(one.ns).toEqual({ db: 'splitlarge', coll: 'c' });
    // fullDocument ({ _id, big }) is a little smaller than updateDescription, so it packs first.
    expect(Object.keys(one).at(-1)).toBe('fullDocument');
    expect(one.fullDocument.big).toHaveLength(HALF);
    expect(Object.keys(two)).toEqual(['_id', 'splitEvent', 'updateDescription']);
    expect(two.updateDescription.updatedFields.big).toHaveLength(HALF);
    expect(one._id).not.toEqual(two._id);
    for (const fragment of fragments) expect(BSON.calculateObjectSize(fragment)).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it("each fragment's _id resumes at the next fragment; without the stage that token is refused", async () => {
    const opened = await openStream(db, 'c', { ...large, startAtOperationTime: startAt }, { stages: [SPLIT], batchSize: 0 });
    const [one] = (await getMore(db, opened, { batchSize: 1 })).nextBatch as Document[];
    expect(one?.splitEvent).toEqual({ fragment: 1, of: 2 });
    const resumed = await openStream(db, 'c', { ...large, resumeAfter: one?._id }, { stages: [SPLIT] });
    const events = [...(resumed.firstBatch as Document[]), ...((await getMore(db, resumed)).nextBatch as Document[])];
    expect(events.map((e) => e.splitEvent)).toEqual([{ fragment: 2, of: 2 }]);
    const error = await failure(openStream(db, 'c', { ...large, resumeAfter: one?._id }));
    expect(error.code).toBe(280);
  });

  it('small events pass whole; the stage must be last (7182802) and take an empty object (7182800)', async () => {
    const opened = await openStream(db, 'c', { startAtOperationTime: startAt }, { stages: [{ $match: {} }, SPLIT] });
    const events = [...(opened.firstBatch as Document[]), ...((await getMore(db, opened)).nextBatch as Document[])];
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('splitEvent');
    expect((await failure(openStream(db, 'c', {}, { stages: [SPLIT, { $match: {} }] }))).code).toBe(7182802);
    expect((await failure(openStream(db, 'c', {}, { stages: [{ $changeStreamSplitLargeEvent: { x: 1 } }] }))).code).toBe(7182800);
  });

  it('a field that alone cannot fit in a fragment fails the split (7182500, as mongod)', () => {
    const _id = encodeResumeToken({ clusterTime: new ServerTimestamp({ t: 1, i: 1 }), position: 0, kind: 'event' });
    const event = { _id, operationType: 'insert', fullDocument: { _id: 1, s: 'x'.repeat(16 * 1024 * 1024) } };
    let caught: unknown;
    try {
      splitEvent(event, 0);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 7182500 });
    expect(String((caught as Error).message)).toMatch(/^Splitting change event failed: fragment size \d+ is greater than maximum allowed fragment size \d+$/);
  });
});
