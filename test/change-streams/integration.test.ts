// Change streams end to end: Client → Topology → MemoryServer as a one-member replica set.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import type { ChangeStream, ChangeStreamDocument } from '../../src/index.js';
import { useMongroveServer } from '../support/mongrove-server-fixture.js';

const fixture = useMongroveServer({ replSet: 'rs0' });

async function nextInsert(stream: ChangeStream<Document, ChangeStreamDocument>): Promise<Document> {
  const change = await stream.next();
  expect(change?.operationType).toBe('insert');
  return change?.fullDocument as Document;
}

describe('change streams against the embedded replica set', () => {
  it('collection.watch sees changes made after open(), db.watch and client.watch see other collections', async () => {
    const db = fixture.client.db('cs_it');
    const coll = db.collection('a');
    await coll.insertOne({ before: true });
    const collStream = await coll.watch().open();
    const dbStream = await db.watch().open();
    const clusterStream = await fixture.client.watch().open();
    await db.collection('b').insertOne({ n: 1 });
    await coll.insertOne({ n: 2 });
    expect(await nextInsert(collStream)).toMatchObject({ n: 2 });
    expect(await nextInsert(dbStream)).toMatchObject({ n: 1 });
    expect(await nextInsert(dbStream)).toMatchObject({ n: 2 });
    expect(await nextInsert(clusterStream)).toMatchObject({ n: 1 });
    for (const s of [collStream, dbStream, clusterStream]) await s.close();
  });

  it('resumes after a network error on getMore without losing or repeating events', async () => {
    const coll = fixture.client.db('cs_it').collection('resume');
    const stream = await coll.watch([], { maxAwaitTimeMS: 50 }).open();
    await coll.insertOne({ n: 1 });
    expect(await nextInsert(stream)).toMatchObject({ n: 1 });
    const admin = fixture.client.db('admin');
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], closeConnection: true } });
    await coll.insertOne({ n: 2 });
    expect(await nextInsert(stream)).toMatchObject({ n: 2 });
    await coll.insertOne({ n: 3 });
    expect(await nextInsert(stream)).toMatchObject({ n: 3 });
    await stream.close();
  });

  it('resumeAfter a stored token continues where the earlier stream stopped', async () => {
    const coll = fixture.client.db('cs_it').collection('token');
    const first = await coll.watch([], { maxAwaitTimeMS: 50 }).open();
    await coll.insertOne({ n: 1 });
    await nextInsert(first);
    const token = first.resumeToken;
    await first.close();
    await coll.insertOne({ n: 2 });
    const second = await coll.watch([], { resumeAfter: token }).open();
    expect(await nextInsert(second)).toMatchObject({ n: 2 });
    await second.close();
  });

  it('a non-resumable getMore error closes the stream', async () => {
    const coll = fixture.client.db('cs_it').collection('fatal');
    const stream = await coll.watch().open();
    await fixture.client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], errorCode: 216 } });
    await coll.insertOne({ n: 1 });
    await expect(stream.next()).rejects.toMatchObject({ code: 216 });
    expect(stream.closed).toBe(true);
  });
});
