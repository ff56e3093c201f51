// CSOT prose test 5 (Blocking Iteration Methods): a next() that sends getMores in a loop
// until a document arrives gives up when timeoutMS has passed over all of them, not
// per getMore. Against the embedded replica set, getMores blocked by a fail point.
import { describe, expect, it } from 'vitest';
import { MongoOperationTimeoutError } from '../../src/errors.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer({ replSet: 'rs0' });

describe('CSOT prose 5. Blocking Iteration Methods', () => {
  it('Tailable cursors: next() times out over its getMore loop', async () => {
    const db = fixture.internal.db('db');
    await db.collection('coll').drop().catch(() => undefined);
    await db.createCollection('coll', { capped: true, size: 4096 });
    await db.collection('coll').insertOne({ x: 1 });
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 150 });
    await fixture.withClient({ timeoutMS: 200 }, async (client, sent) => {
      const cursor = client.db('db').collection('coll').find({}, { cursorType: 'tailable', projection: { _id: 0 } });
      expect(await cursor.tryNext()).toEqual({ x: 1 });
      expect(cursor.id?.isZero()).toBe(false);
      expect(sent.on('getMore', 'coll')).toBe(0);
      await expect(cursor.next()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.on('find', 'coll')).toBe(1);
      expect(sent.on('getMore', 'coll')).toBe(2);
      await cursor.close();
    });
  });

  it('Change Streams: next() times out', async () => {
    await fixture.internal.db('db').collection('coll').drop().catch(() => undefined);
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 150 });
    await fixture.withClient({ timeoutMS: 200 }, async (client, sent) => {
      const stream = client.db('db').collection('coll').watch();
      await expect(stream.next()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.on('aggregate', 'coll')).toBe(1);
      // The prose expects two getMores, which needs the server to answer the first one early.
      // Without maxAwaitTimeMS no getMore carries maxTimeMS (the unified change-streams tests
      // require its absence), so the server awaits data past the deadline on the first one.
      expect(sent.on('getMore', 'coll')).toBeGreaterThanOrEqual(1);
      await stream.close();
    });
  });

  it('Change Streams with maxAwaitTimeMS: one deadline over the getMore loop of next()', async () => {
    await fixture.internal.db('db').collection('coll').drop().catch(() => undefined);
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 30 });
    await fixture.withClient({ timeoutMS: 100 }, async (client, sent) => {
      const stream = client.db('db').collection('coll').watch([], { maxAwaitTimeMS: 10 });
      await expect(stream.next()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.on('aggregate', 'coll')).toBe(1);
      // Each getMore answers after ~40 ms (30 blocked + 10 awaiting): more than one fits in
      // 100 ms but not all of next()'s loop, which shares one deadline.
      expect(sent.on('getMore', 'coll')).toBeGreaterThanOrEqual(2);
      await stream.close();
    });
  });
});
