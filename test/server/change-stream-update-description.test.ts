// updateDescription as mongod's update system logs it: modifier updates report
// the paths their operators name (whole values at that depth), appends as
// "arr.N", array culling ($pop/$pull) as the whole array; pipeline updates are
// diffed (truncatedArrays); replacements are 'replace' events.
import { describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;
const freshDb = () => fixture.client.db(`updesc${++dbCounter}`);

/** The single event one update of `seed` produces. */
async function eventOf(seed: TestDoc, update: Document | Document[], spec: Document = {}): Promise<Document | undefined> {
  const db = freshDb();
  const coll = db.collection<TestDoc>('c');
  await coll.insertOne(seed);
  const opened = await openStream(db, 'c', spec);
  await coll.updateOne({ _id: seed._id }, update);
  const events = await nextEvents(db, opened);
  expect(events.length).toBeLessThanOrEqual(1);
  return events[0];
}

describe('updateDescription of modifier updates', () => {
  it('$set of a whole sub-document reports the field, not the leaves inside it', async () => {
    const event = await eventOf({ _id: 1, nested: { x: 1, y: 2 } }, { $set: { nested: { x: 1, y: 3, z: 4 } } });
    expect(event?.updateDescription).toEqual({ updatedFields: { nested: { x: 1, y: 3, z: 4 } }, removedFields: [], truncatedArrays: [] });
  });

  it('$set / $inc of dotted paths report the dotted paths; $unset reports removedFields', async () => {
    const event = await eventOf({ _id: 1, a: { b: 1, c: 2 }, counts: [1, 2], gone: { x: 1, y: 1 } }, { $set: { 'a.b': 5 }, $inc: { 'counts.1': 1 }, $unset: { 'gone.x': '' } });
    expect(event?.updateDescription).toEqual({ updatedFields: { 'a.b': 5, 'counts.1': 3 }, removedFields: ['gone.x'], truncatedArrays: [] });
  });

  it('$set of a path whose parent is missing reports the created parent', async () => {
    const event = await eventOf({ _id: 1 }, { $set: { 'a.b.c': 1 } });
    expect(event?.updateDescription.updatedFields).toEqual({ a: { b: { c: 1 } } });
  });

  it('$set of a whole array reports the array even when it only grew', async () => {
    const event = await eventOf({ _id: 1, arr: [1, 2] }, { $set: { arr: [1, 2, 3] } });
    expect(event?.updateDescription.updatedFields).toEqual({ arr: [1, 2, 3] });
  });

  it('$push and $addToSet appends report the new elements as arr.N', async () => {
    const pushed = await eventOf({ _id: 1, arr: [1, 2] }, { $push: { arr: { $each: [3, 4] } } });
    expect(pushed?.updateDescription.updatedFields).toEqual({ 'arr.2': 3, 'arr.3': 4 });
    const added = await eventOf({ _id: 1, tags: ['a'] }, { $addToSet: { tags: 'b' } });
    expect(added?.updateDescription.updatedFields).toEqual({ 'tags.1': 'b' });
  });

  it('$push that reorders ($sort, $position) reports the whole array; $push to a missing field creates it', async () => {
    const sorted = await eventOf({ _id: 1, arr: [3, 1] }, { $push: { arr: { $each: [2], $sort: 1 } } });
    expect(sorted?.updateDescription.updatedFields).toEqual({ arr: [1, 2, 3] });
    const front = await eventOf({ _id: 1, arr: [1] }, { $push: { arr: { $each: [0], $position: 0 } } });
    expect(front?.updateDescription.updatedFields).toEqual({ arr: [0, 1] });
    const created = await eventOf({ _id: 1 }, { $push: { arr: 1 } });
    expect(created?.updateDescription.updatedFields).toEqual({ arr: [1] });
  });

  it('$addToSet of a present value and $set of an equal value record no event', async () => {
    expect(await eventOf({ _id: 1, tags: ['a'] }, { $addToSet: { tags: 'a' } })).toBeUndefined();
    expect(await eventOf({ _id: 1, a: { b: 1 } }, { $set: { a: { b: 1 } } })).toBeUndefined();
  });

  it('$pop and $pull report the whole resulting array (truncatedArrays is for pipeline updates)', async () => {
    const popped = await eventOf({ _id: 1, arr: [1, 2, 3] }, { $pop: { arr: 1 } });
    expect(popped?.updateDescription).toEqual({ updatedFields: { arr: [1, 2] }, removedFields: [], truncatedArrays: [] });
    const pulled = await eventOf({ _id: 1, arr: [1, 2, 3] }, { $pull: { arr: 2 } });
    expect(pulled?.updateDescription.updatedFields).toEqual({ arr: [1, 3] });
  });

  it('$rename reports the old field removed and the new one set', async () => {
    const event = await eventOf({ _id: 1, old: { v: 1 } }, { $rename: { old: 'fresh' } });
    expect(event?.updateDescription).toEqual({ updatedFields: { fresh: { v: 1 } }, removedFields: ['old'], truncatedArrays: [] });
  });

  it('the positional operator reports the matched element path', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, items: [{ k: 'a', n: 0 }, { k: 'b', n: 0 }] });
    const opened = await openStream(db, 'c');
    await coll.updateOne({ _id: 1, 'items.k': 'b' }, { $set: { 'items.$.n': 7 } });
    const [event] = await nextEvents(db, opened);
    expect(event?.updateDescription.updatedFields).toEqual({ 'items.1.n': 7 });
  });

  it('$[] and $[id] follow the array node: several modified elements log the array, one among several matched logs the element', async () => {
    const all = await eventOf({ _id: 1, arr: [{ x: 1 }, { x: 2 }] }, { $inc: { 'arr.$[].x': 1 } });
    expect(all?.updateDescription.updatedFields).toEqual({ arr: [{ x: 2 }, { x: 3 }] });
    const oneChanged = await eventOf({ _id: 1, arr: [{ x: 5 }, { x: 1 }, { x: 5 }] }, { $max: { 'arr.$[].x': 5 } });
    expect(oneChanged?.updateDescription.updatedFields).toEqual({ 'arr.1': { x: 5 } });
    const lone = await eventOf({ _id: 1, arr: [{ x: 1 }] }, { $set: { 'arr.$[].x': 9 } });
    expect(lone?.updateDescription.updatedFields).toEqual({ 'arr.0.x': 9 });
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, arr: [{ k: 'a', x: 1 }, { k: 'b', x: 1 }] });
    const opened = await openStream(db, 'c');
    await coll.updateOne({ _id: 1 }, { $set: { 'arr.$[e].x': 2 } }, { arrayFilters: [{ 'e.k': 'b' }] });
    const [filtered] = await nextEvents(db, opened);
    expect(filtered?.updateDescription.updatedFields).toEqual({ 'arr.1.x': 2 });
  });

  it('disambiguatedPaths (showExpandedEvents) names numeric object keys as strings and array indexes as ints', async () => {
    const event = await eventOf({ _id: 1, obj: { 0: { x: 1 } }, arr: [{ x: 1 }] }, { $set: { 'obj.0.x': 2, 'arr.0.x': 2 } }, { showExpandedEvents: true });
    expect(event?.updateDescription.updatedFields).toEqual({ 'obj.0.x': 2, 'arr.0.x': 2 });
    expect(event?.updateDescription.disambiguatedPaths).toEqual({ 'obj.0.x': ['obj', '0', 'x'] });
  });

  it('findOneAndUpdate follows the same rules', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1, nested: { a: 1 } });
    const opened = await openStream(db, 'c');
    await coll.findOneAndUpdate({ _id: 1 }, { $set: { nested: { a: 1, b: 2 } } });
    const [event] = await nextEvents(db, opened);
    expect(event?.operationType).toBe('update');
    expect(event?.updateDescription.updatedFields).toEqual({ nested: { a: 1, b: 2 } });
  });
});

describe('pipeline updates and replacements', () => {
  const long = 'a value long enough to diff into';

  it('a pipeline update is diffed: nested leaves, appended elements, truncated arrays', async () => {
    const event = await eventOf({ _id: 1, nested: { long, y: 2 }, arr: [long, 2, 3], grow: [long] }, [{ $set: { nested: { long, y: 3 }, arr: { $slice: ['$arr', 1] }, grow: [long, 2] } }]);
    expect(event?.updateDescription).toEqual({ updatedFields: { 'nested.y': 3, 'grow.1': 2 }, removedFields: [], truncatedArrays: [{ field: 'arr', newSize: 1 }] });
  });

  it('a pipeline update reports a sub-document or array whole when its sub-diff would not be smaller', async () => {
    const event = await eventOf({ _id: 1, nested: { x: 1, y: 2 }, arr: [1, 2, 3], pad: long }, [{ $set: { nested: { x: 1, y: 3 }, arr: [1] } }]);
    expect(event?.updateDescription).toEqual({ updatedFields: { nested: { x: 1, y: 3 }, arr: [1] }, removedFields: [], truncatedArrays: [] });
  });

  it('a pipeline update whose delta is not smaller than the new document is a replace event (mongod logs a replacement)', async () => {
    const event = await eventOf({ _id: 1, a: 1 }, [{ $set: { a: 2 } }]);
    expect(event?.operationType).toBe('replace');
    expect(event?.fullDocument).toEqual({ _id: 1, a: 2 });
    expect(event).not.toHaveProperty('updateDescription');
  });

  it('a modifier update of the same tiny document stays an update event', async () => {
    const event = await eventOf({ _id: 1, a: 1 }, { $set: { a: 2 } });
    expect(event?.operationType).toBe('update');
    expect(event?.updateDescription.updatedFields).toEqual({ a: 2 });
  });

  it('replaceOne, findOneAndReplace and a replacement-style update are replace events with fullDocument', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 1 }, { _id: 3, a: 1 }]);
    const opened = await openStream(db, 'c');
    await coll.replaceOne({ _id: 1 }, { b: 1 });
    await coll.findOneAndReplace({ _id: 2 }, { b: 2 });
    await db.command({ update: 'c', updates: [{ q: { _id: 3 }, u: { b: 3 } }] });
    const events = await nextEvents(db, opened);
    expect(events.map((e) => e.operationType)).toEqual(['replace', 'replace', 'replace']);
    expect(events.map((e) => e.fullDocument)).toEqual([{ _id: 1, b: 1 }, { _id: 2, b: 2 }, { _id: 3, b: 3 }]);
    expect(events.every((e) => !('updateDescription' in e))).toBe(true);
  });
});
