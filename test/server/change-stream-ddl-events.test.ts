// Expanded DDL events (showExpandedEvents) as mongod 8.x shapes them:
// collectionUUID where the oplog entry names a collection, operationDescription
// per event type, and nsType on create events (8.1+). Views and time-series
// collections (views over system.buckets.* through 8.x) are view-definition
// events: no collectionUUID, and their data writes are not user-namespace events.
import { describe, expect, it } from 'vitest';
import { Binary, type Document } from 'mongodb';
import { nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
let dbCounter = 0;
const freshDb = () => fixture.client.db(`ddl${++dbCounter}`);
const expanded = { showExpandedEvents: true };

describe('create events', () => {
  it('a collection: collectionUUID, operationDescription (options, then idIndex) and nsType last', async () => {
    const db = freshDb();
    const opened = await openStream(db, 1, expanded);
    await db.createCollection('capped', { capped: true, size: 4096 });
    const [event] = await nextEvents(db, opened);
    expect(Object.keys(event ?? {})).toEqual(['_id', 'operationType', 'clusterTime', 'collectionUUID', 'wallTime', 'ns', 'operationDescription', 'nsType']);
    expect(event?.collectionUUID).toBeInstanceOf(Binary);
    expect(Object.keys(event?.operationDescription ?? {})).toEqual(['capped', 'size', 'idIndex']);
    expect(event?.operationDescription.idIndex).toEqual({ v: 2, key: { _id: 1 }, name: '_id_' });
    expect(event?.nsType).toBe('collection');
  });

  it('a view: no collectionUUID, its definition as operationDescription, nsType view; hidden without showExpandedEvents', async () => {
    const db = freshDb();
    const opened = await openStream(db, 1, expanded);
    const plain = await openStream(db, 1);
    await db.createCollection('v', { viewOn: 'base', pipeline: [{ $match: { a: 1 } }] });
    const [event] = await nextEvents(db, opened);
    expect(event).not.toHaveProperty('collectionUUID');
    expect(event?.operationDescription).toEqual({ viewOn: 'base', pipeline: [{ $match: { a: 1 } }] });
    expect(event?.nsType).toBe('view');
    expect(await nextEvents(db, plain)).toEqual([]);
  });

  it('a time-series collection: a view over system.buckets.<name>; its writes and indexes are not user events', async () => {
    const db = freshDb();
    const opened = await openStream(db, 1, expanded);
    await db.createCollection('ts', { timeseries: { timeField: 't', metaField: 'm' } });
    await db.collection('ts').insertOne({ t: new Date(0), m: 1, v: 1 });
    await db.collection('plain').insertOne({ _id: 1 } as Document);
    await db.collection('ts').drop();
    const events = await nextEvents(db, opened);
    expect(events.map((e) => `${String(e.operationType)} ${String(e.ns.coll)}`)).toEqual(['create ts', 'create plain', 'insert plain', 'drop ts']);
    const [create] = events;
    expect(create).not.toHaveProperty('collectionUUID');
    expect(create?.nsType).toBe('timeseries');
    expect(create?.operationDescription).toEqual({ viewOn: 'system.buckets.ts', pipeline: [{ $_internalUnpackBucket: { timeField: 't', metaField: 'm', bucketMaxSpanSeconds: 3600 } }] });
    expect(events[3]).not.toHaveProperty('collectionUUID');
  });
});

describe('other DDL events', () => {
  it('createIndexes, dropIndexes, modify, rename and drop carry the collection UUID; dropDatabase does not', async () => {
    const db = freshDb();
    const coll = db.collection<TestDoc>('c');
    await coll.insertOne({ _id: 1 });
    const uuidInfo = (await db.listCollections({ name: 'c' }).toArray())[0];
    const uuid = uuidInfo !== undefined && 'info' in uuidInfo ? uuidInfo.info?.uuid : undefined;
    const opened = await openStream(db, 1, expanded);
    await coll.createIndex({ x: 1 });
    await db.command({ collMod: 'c', validator: { x: { $type: 'int' } } });
    await coll.dropIndex('x_1');
    await coll.rename('d');
    await db.collection('d').drop();
    await db.collection('e').insertOne({ _id: 1 } as Document);
    await db.dropDatabase();
    const events = await nextEvents(db, opened);
    expect(events.map((e) => e.operationType)).toEqual(['createIndexes', 'modify', 'dropIndexes', 'rename', 'drop', 'create', 'insert', 'drop', 'dropDatabase', 'invalidate']);
    for (const event of events.slice(0, 5)) expect(event.collectionUUID).toEqual(uuid);
    expect(events[0]?.operationDescription).toEqual({ indexes: [{ v: 2, key: { x: 1 }, name: 'x_1' }] });
    expect(events[1]?.operationDescription).toEqual({ validator: { x: { $type: 'int' } } });
    expect(events[1]?.stateBeforeChange).toEqual({ collectionOptions: { uuid } });
    expect(events[2]?.operationDescription).toEqual({ indexes: [{ v: 2, key: { x: 1 }, name: 'x_1' }] });
    expect(events[3]?.operationDescription).toEqual({ to: { db: db.databaseName, coll: 'd' } });
    expect(events[4]).not.toHaveProperty('operationDescription');
    expect(events[8]).not.toHaveProperty('collectionUUID');
    expect(events[8]?.ns).toEqual({ db: db.databaseName });
    expect(events.filter((e) => 'nsType' in e).map((e) => e.operationType)).toEqual(['create']);
  });

  it("a view's collMod is a modify event with the new definition and no stateBeforeChange", async () => {
    const db = freshDb();
    await db.createCollection('v', { viewOn: 'a', pipeline: [] });
    const opened = await openStream(db, 1, expanded);
    await db.command({ collMod: 'v', viewOn: 'b', pipeline: [{ $match: { k: 1 } }] });
    const [event] = await nextEvents(db, opened);
    expect(event?.operationType).toBe('modify');
    expect(event).not.toHaveProperty('collectionUUID');
    expect(event?.operationDescription).toEqual({ viewOn: 'b', pipeline: [{ $match: { k: 1 } }] });
    expect(event).not.toHaveProperty('stateBeforeChange');
  });
});
