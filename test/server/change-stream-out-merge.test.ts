// The change events $out and $merge produce, as on mongod 7/8: $out fills a
// temporary "tmp.agg_out.<uuid>" collection (with the target's options and
// indexes) and renames it over the target; $merge writes per document.
import { describe, expect, it } from 'vitest';
import { Binary, type Document } from 'mongodb';
import { nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;
const freshDb = () => fixture.client.db(`outmerge${++dbCounter}`);
const TEMPORARY = /^tmp\.agg_out\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** operationType and namespace of each event, for comparing sequences. */
function outline(events: Document[]): string[] {
  return events.map((e) => `${String(e.operationType)} ${String(e.ns?.coll)}${e.to === undefined ? '' : ` -> ${String(e.to.coll)}`}`);
}

describe('$out change events', () => {
  it('into a new collection: create and inserts on the temporary namespace, then its rename to the target', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('src').insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
    const expanded = await openStream(db, 1, { showExpandedEvents: true });
    const plain = await openStream(db, 1);
    await db.collection('src').aggregate([{ $match: {} }, { $out: 'target' }]).toArray();
    const events = await nextEvents(db, expanded);
    const temporary = String(events[0]?.ns.coll);
    expect(temporary).toMatch(TEMPORARY);
    expect(outline(events)).toEqual([`create ${temporary}`, `insert ${temporary}`, `insert ${temporary}`, `rename ${temporary} -> target`]);
    expect(events.map((e) => e.fullDocument).slice(1, 3)).toEqual([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
    expect(events[0]?.operationDescription).toEqual({ temp: true, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } });
    const rename = events[3];
    expect(rename?.operationDescription).toEqual({ to: { db: db.databaseName, coll: 'target' } });
    expect(rename?.collectionUUID).toEqual(events[0]?.collectionUUID);
    expect(outline(await nextEvents(db, plain))).toEqual([`insert ${temporary}`, `insert ${temporary}`, `rename ${temporary} -> target`]);
    expect(await db.collection('target').find().toArray()).toEqual([{ _id: 1, v: 1 }, { _id: 2, v: 2 }]);
    const names = (await db.listCollections().toArray()).map((c) => c.name).sort();
    expect(names).toEqual(['src', 'target']);
    const [info] = await db.listCollections({ name: 'target' }).toArray();
    expect(info !== undefined && 'options' in info ? info.options : undefined).toEqual({});
  });

  it('over an existing collection: its indexes are copied, the rename drops it, and a stream on the target is invalidated', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('src').insertOne({ _id: 1, k: 'new' });
    const target = db.collection<TestDoc>('target');
    await target.insertOne({ _id: 9, k: 'old' });
    await target.createIndex({ k: 1 }, { name: 'k_1' });
    const [info] = await db.listCollections({ name: 'target' }).toArray();
    const oldUuid = (info !== undefined && 'info' in info ? info.info?.uuid : undefined) as Binary;
    const expanded = await openStream(db, 1, { showExpandedEvents: true });
    const onTarget = await openStream(db, 'target');
    await db.collection('src').aggregate([{ $out: 'target' }]).toArray();
    const events = await nextEvents(db, expanded);
    const temporary = String(events[0]?.ns.coll);
    expect(outline(events)).toEqual([`create ${temporary}`, `createIndexes ${temporary}`, `insert ${temporary}`, `rename ${temporary} -> target`]);
    expect(events[1]?.operationDescription).toEqual({ indexes: [{ v: 2, key: { k: 1 }, name: 'k_1' }] });
    expect(events[3]?.operationDescription).toEqual({ to: { db: db.databaseName, coll: 'target' }, dropTarget: oldUuid });
    const targetEvents = await nextEvents(db, onTarget);
    expect(outline(targetEvents)).toEqual([`rename ${temporary} -> target`, 'invalidate undefined']);
    expect(await target.find().toArray()).toEqual([{ _id: 1, k: 'new' }]);
    expect((await target.indexes()).map((i) => i.name)).toEqual(['_id_', 'k_1']);
  });

  it('a failing $out (duplicate key in the copied unique index) leaves the target and drops the temporary collection', async () => {
    const db = freshDb();
    await db.collection<TestDoc>('src').insertMany([{ _id: 1, k: 1 }, { _id: 2, k: 1 }]);
    await db.collection('target').createIndex({ k: 1 }, { unique: true });
    await db.collection<TestDoc>('target').insertOne({ _id: 5, k: 5 });
    await expect(db.collection('src').aggregate([{ $out: 'target' }]).toArray()).rejects.toMatchObject({ code: 11000 });
    expect(await db.collection('target').find().toArray()).toEqual([{ _id: 5, k: 5 }]);
    expect((await db.listCollections().toArray()).map((c) => c.name).sort()).toEqual(['src', 'target']);
  });
});

describe('$merge change events', () => {
  it('insert for unmatched documents, update (changed fields only) for merge, replace for replace, nothing for no-ops', async () => {
    const db = freshDb();
    const target = db.collection<TestDoc>('target');
    // `pad` makes a pipeline's delta smaller than the document, so mongod logs an update, not a replacement.
    const pad = 'long enough to keep deltas smaller';
    await target.insertMany([{ _id: 1, a: 1, b: 1, pad }, { _id: 2, a: 1, b: 1, pad }]);
    await db.collection<TestDoc>('src').insertMany([{ _id: 1, a: 1, b: 2, pad }, { _id: 2, a: 1, b: 1, pad }, { _id: 3, a: 3 }]);
    const opened = await openStream(db, 'target');
    await db.collection('src').aggregate([{ $merge: { into: 'target' } }]).toArray();
    const merged = await nextEvents(db, opened);
    expect(merged.map((e) => e.operationType)).toEqual(['update', 'insert']);
    expect(merged[0]?.updateDescription).toEqual({ updatedFields: { b: 2 }, removedFields: [], truncatedArrays: [] });
    expect(merged[1]?.fullDocument).toEqual({ _id: 3, a: 3 });

    await db.collection('src').aggregate([{ $project: { a: 1, pad: 1 } }, { $merge: { into: 'target', whenMatched: 'replace', whenNotMatched: 'discard' } }]).toArray();
    const replaced = await nextEvents(db, opened);
    expect(replaced.map((e) => e.operationType)).toEqual(['replace', 'replace']);
    expect(replaced.map((e) => e.fullDocument)).toEqual([{ _id: 1, a: 1, pad }, { _id: 2, a: 1, pad }]);

    await db.collection('src').aggregate([{ $merge: { into: 'target', whenMatched: 'keepExisting' } }]).toArray();
    await db.collection('src').aggregate([{ $merge: { into: 'target', whenMatched: [{ $set: { n: { $add: [1, 1] } } }] } }]).toArray();
    const piped = await nextEvents(db, opened);
    // The small third document's delta is not smaller than it: a replace, as mongod logs it.
    expect(piped.map((e) => e.operationType)).toEqual(['update', 'update', 'replace']);
    expect(piped.slice(0, 2).map((e) => e.updateDescription.updatedFields)).toEqual([{ n: 2 }, { n: 2 }]);
    expect(piped[2]?.fullDocument).toEqual({ _id: 3, a: 3, n: 2 });
  });
});
