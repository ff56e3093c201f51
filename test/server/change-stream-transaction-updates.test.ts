// Updates inside a transaction are described, once it commits, exactly as outside one: the commit
// replays each statement with its update document, so updateDescription follows the operators'
// paths and a pipeline update whose delta is not smaller than the document is a replace event.
import { describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;

/** The events the committed transaction's `updates` (each an updateOne of `seed`) produce. */
async function eventsOf(seed: TestDoc, updates: Array<Document | Document[]>): Promise<Document[]> {
  const db = fixture.client.db(`txnupdates${++dbCounter}`);
  const coll = db.collection<TestDoc>('c');
  await coll.insertOne(seed);
  const opened = await openStream(db, 'c');
  const session = fixture.client.startSession();
  try {
    session.startTransaction();
    for (const update of updates) await coll.updateOne({ _id: seed._id }, update, { session });
    await session.commitTransaction();
  } finally {
    await session.endSession();
  }
  return nextEvents(db, opened);
}

describe('updates committed by a transaction', () => {
  it('$set of a whole sub-document reports exactly the $set path, not the leaves a diff would find', async () => {
    const [event] = await eventsOf({ _id: 1, nested: { x: 1, y: 2 } }, [{ $set: { nested: { x: 1, y: 3, z: 4 } } }]);
    expect(event?.operationType).toBe('update');
    expect(event?.updateDescription).toEqual({ updatedFields: { nested: { x: 1, y: 3, z: 4 } }, removedFields: [], truncatedArrays: [] });
    expect(event?.lsid).toBeDefined();
    expect(event?.txnNumber).toBeDefined();
  });

  it('$inc and $set of an array follow the operators; each statement is its own event', async () => {
    const events = await eventsOf({ _id: 1, n: 1, arr: [1, 2] }, [{ $inc: { n: 1 }, $set: { arr: [1, 2, 3] } }, { $inc: { n: 5 } }]);
    expect(events.map((e) => e.updateDescription?.updatedFields)).toEqual([{ n: 2, arr: [1, 2, 3] }, { n: 7 }]);
  });

  it('a pipeline update whose delta is not smaller than the new document is a replace event', async () => {
    const [event] = await eventsOf({ _id: 1, a: 1 }, [[{ $set: { a: 2 } }]]);
    expect(event?.operationType).toBe('replace');
    expect(event?.fullDocument).toEqual({ _id: 1, a: 2 });
    expect(event).not.toHaveProperty('updateDescription');
  });
});
