// collMod of an index: the modify event's stateBeforeChange shows the index's options before the
// change (indexOptions, from mongod's indexOptions_old) beside the collection's options.
import { describe, expect, it } from 'vitest';
import { Binary } from 'mongodb';
import { nextEvents, openStream, useReplicaSet, type TestDoc } from './change-streams-support.js';

const fixture = useReplicaSet();
const expanded = { showExpandedEvents: true };

describe('modify events of an index collMod', () => {
  it('show the old hidden and expireAfterSeconds values as stateBeforeChange.indexOptions', async () => {
    const db = fixture.client.db('modifyIndex');
    const coll = db.collection<TestDoc>('c');
    await coll.createIndex({ x: 1 });
    await coll.createIndex({ t: 1 }, { expireAfterSeconds: 100 });
    const opened = await openStream(db, 1, expanded);
    await db.command({ collMod: 'c', index: { name: 'x_1', hidden: true } });
    await db.command({ collMod: 'c', index: { keyPattern: { t: 1 }, expireAfterSeconds: 200 } });
    await db.command({ collMod: 'c', validator: { x: { $type: 'int' } } });
    const events = await nextEvents(db, opened);
    expect(events.map((e) => e.operationType)).toEqual(['modify', 'modify', 'modify']);
    expect(events[0]?.operationDescription).toEqual({ index: { name: 'x_1', hidden: true } });
    expect(events[0]?.stateBeforeChange).toEqual({ collectionOptions: { uuid: expect.any(Binary) }, indexOptions: { hidden: false } });
    expect(events[1]?.stateBeforeChange).toEqual({ collectionOptions: { uuid: expect.any(Binary) }, indexOptions: { expireAfterSeconds: 100 } });
    // A collMod without an index has no indexOptions.
    expect(events[2]?.stateBeforeChange).toEqual({ collectionOptions: { uuid: expect.any(Binary) } });
  });
});
