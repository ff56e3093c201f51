import { describe, expect, it } from 'vitest';
import { Timestamp, type Document } from '../../src/bson.js';
import { MongoChangeStreamError, MongoCursorExhaustedError, MongoNetworkError, MongoServerError } from '../../src/errors.js';
import { OPERATION_TIME, batch, event, scriptedClient } from './scripted.js';

const networkError = () => new MongoNetworkError('connection reset');
const serverError = (code: number, labels: string[] = []) => ({ ok: 0, code, errmsg: `error ${code}`, errorLabels: labels });

describe('watch() helpers build the change stream aggregate', () => {
  it('collection.watch: $changeStream first, stage and aggregate options, getMore maxTimeMS from maxAwaitTimeMS', async () => {
    const { client, bodies, target } = scriptedClient([batch('firstBatch', [], 't0')], [batch('nextBatch', [event(1)], 't1')]);
    const stream = client.db('db').collection('c').watch([{ $match: { x: 1 } }], {
      fullDocument: 'updateLookup',
      fullDocumentBeforeChange: 'whenAvailable',
      showExpandedEvents: true,
      batchSize: 5,
      maxAwaitTimeMS: 250,
      collation: { locale: 'en' },
      comment: 'note',
    });
    await stream.open();
    expect(target.sent[0].db).toBe('db');
    const aggregate = bodies('aggregate')[0];
    expect(aggregate.aggregate).toBe('c');
    expect(aggregate.pipeline).toEqual([{ $changeStream: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'whenAvailable', showExpandedEvents: true } }, { $match: { x: 1 } }]);
    expect(aggregate.cursor).toEqual({ batchSize: 5 });
    expect(aggregate).toMatchObject({ collation: { locale: 'en' }, comment: 'note' });
    expect(await stream.next()).toMatchObject({ operationType: 'insert' });
    expect(bodies('getMore')[0]).toMatchObject({ collection: 'c', maxTimeMS: 250, batchSize: 5, comment: 'note' });
    await stream.close();
  });

  it('db.watch uses aggregate: 1; client.watch runs on admin with allChangesForCluster; getMore takes the reply ns', async () => {
    const s = scriptedClient([batch('firstBatch', [], 't0', 42n, 'db.$cmd.aggregate'), batch('firstBatch', [], 't0', 42n, 'admin.$cmd.aggregate')], []);
    const dbStream = await s.client.db('db').watch().open();
    await dbStream.tryNext();
    const clusterStream = await s.client.watch([], {}).open();
    await clusterStream.tryNext();
    const [dbAgg, clusterAgg] = s.bodies('aggregate');
    expect(dbAgg).toMatchObject({ aggregate: 1, pipeline: [{ $changeStream: {} }], $db: 'db' });
    expect(clusterAgg).toMatchObject({ aggregate: 1, pipeline: [{ $changeStream: { allChangesForCluster: true } }], $db: 'admin' });
    expect(s.bodies('getMore').map((b) => [b.$db, b.collection])).toEqual([
      ['db', '$cmd.aggregate'],
      ['admin', '$cmd.aggregate'],
    ]);
    await dbStream.close();
    await clusterStream.close();
  });

  it('rejects a pipeline that is not an array of documents', () => {
    const { client } = scriptedClient([], []);
    expect(() => client.db('db').collection('c').watch({} as unknown as Document[])).toThrow(/pipeline must be an array/);
    expect(() => client.watch([1] as unknown as Document[])).toThrow(/stage 0 must be a document/);
  });
});

describe('resume token caching', () => {
  it('caches _id inside a batch, the postBatchResumeToken for its last event and for empty batches', async () => {
    const { client } = scriptedClient([batch('firstBatch', [event(1), event(2)], 'pbrt-a')], [batch('nextBatch', [], 'pbrt-b')]);
    const stream = await client.db('db').collection('c').watch().open();
    expect(stream.resumeToken).toBeUndefined();
    await stream.next();
    expect(stream.resumeToken).toEqual({ _data: 'event1' });
    await stream.next();
    expect(stream.resumeToken).toEqual({ _data: 'pbrt-a' });
    expect(await stream.tryNext()).toBeNull();
    expect(stream.resumeToken).toEqual({ _data: 'pbrt-b' });
    await stream.close();
  });

  it('without postBatchResumeToken every event caches its _id; startAfter/resumeAfter are cached at start', async () => {
    const { client } = scriptedClient([batch('firstBatch', [event(1)]), batch('firstBatch', [])], []);
    const stream = await client.db('db').collection('c').watch().open();
    await stream.next();
    expect(stream.resumeToken).toEqual({ _data: 'event1' });
    const started = client.db('db').collection('c').watch([], { startAfter: { _data: 'given' } });
    expect(started.resumeToken).toEqual({ _data: 'given' });
    await stream.close();
  });

  it('hasNext() looks ahead without moving the token; the event is handed out once', async () => {
    const { client } = scriptedClient([batch('firstBatch', [event(1), event(2)], 'p')], []);
    const stream = await client.db('db').collection('c').watch().open();
    expect(await stream.hasNext()).toBe(true);
    expect(stream.resumeToken).toBeUndefined();
    expect(await stream.next()).toMatchObject({ _id: { _data: 'event1' } });
    expect(await stream.next()).toMatchObject({ _id: { _data: 'event2' } });
    await stream.close();
  });

  it('an event without _id is an error that closes the stream', async () => {
    const { client, commands } = scriptedClient([batch('firstBatch', [{ operationType: 'insert' }], 'p')], []);
    const stream = client.db('db').collection('c').watch([{ $project: { _id: 0 } }]);
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoChangeStreamError);
    expect((error as Error).message).toMatch(/resume token is missing/);
    expect(stream.closed).toBe(true);
    expect(commands()).toEqual(['aggregate', 'killCursors']);
    await expect(stream.next()).rejects.toBeInstanceOf(MongoCursorExhaustedError);
  });
});

describe('resuming', () => {
  it('after a network error: kills the old cursor, re-aggregates with resumeAfter, keeps the session', async () => {
    const s = scriptedClient([batch('firstBatch', [event(1)], 'p1'), batch('firstBatch', [], 'p2')], [networkError(), batch('nextBatch', [event(2)], 'p3')]);
    const stream = await s.client.db('db').collection('c').watch([], { startAtOperationTime: new Timestamp({ t: 1, i: 1 }) }).open();
    await stream.next();
    expect(await stream.next()).toMatchObject({ _id: { _data: 'event2' } });
    expect(s.commands()).toEqual(['aggregate', 'getMore', 'killCursors', 'aggregate', 'getMore']);
    expect(s.stage(1)).toEqual({ resumeAfter: { _data: 'p1' } });
    const lsids = s.target.sent.filter((c) => c.body.lsid !== undefined).map((c) => JSON.stringify(c.body.lsid));
    expect(lsids.length).toBeGreaterThanOrEqual(4);
    expect(new Set(lsids).size).toBe(1);
    await stream.close();
  });

  it('startAfter is kept (with the cached token) until an event is returned, then resumeAfter', async () => {
    const s = scriptedClient(
      [batch('firstBatch', [], 'p1'), batch('firstBatch', [event(1)], 'p2'), batch('firstBatch', [], 'p3')],
      [networkError(), networkError(), batch('nextBatch', [], 'p4')],
    );
    const stream = await s.client.db('db').collection('c').watch([], { startAfter: { _data: 'given' } }).open();
    expect(await stream.next()).toMatchObject({ _id: { _data: 'event1' } });
    expect(s.stage(0)).toEqual({ startAfter: { _data: 'given' } });
    expect(s.stage(1)).toEqual({ startAfter: { _data: 'p1' } });
    await stream.tryNext();
    expect(s.stage(2)).toEqual({ resumeAfter: { _data: 'p2' } });
    await stream.close();
  });

  it('without any token, resumes at the initial aggregate operationTime', async () => {
    const s = scriptedClient([batch('firstBatch', []), batch('firstBatch', [])], [networkError()]);
    const stream = await s.client.db('db').collection('c').watch([], { fullDocument: 'updateLookup' }).open();
    await stream.tryNext();
    expect(s.stage(1)).toEqual({ fullDocument: 'updateLookup', startAtOperationTime: OPERATION_TIME });
    await stream.close();
  });

  it('keeps a given startAtOperationTime when no token is known; otherwise sends the original stage', async () => {
    const given = new Timestamp({ t: 7, i: 0 });
    const a = scriptedClient([batch('firstBatch', []), batch('firstBatch', [])], [networkError()]);
    const withTime = await a.client.db('db').collection('c').watch([], { startAtOperationTime: given }).open();
    await withTime.tryNext();
    expect(a.stage(1)).toEqual({ startAtOperationTime: given });
    await withTime.close();
    // operationTime is only saved from a reply with no events and no postBatchResumeToken.
    const b = scriptedClient([{ ok: 1, cursor: { id: 42n, ns: 'db.c', firstBatch: [] } }, batch('firstBatch', [])], [networkError()]);
    const plain = await b.client.db('db').collection('c').watch().open();
    await plain.tryNext();
    expect(b.stage(1)).toEqual({});
    await plain.close();
  });

  it('resumes once per error, again after each successful resume', async () => {
    const s = scriptedClient(
      [batch('firstBatch', [], 'p1'), batch('firstBatch', [], 'p2'), batch('firstBatch', [], 'p3')],
      [networkError(), serverError(43), batch('nextBatch', [event(1)], 'p4')],
    );
    const stream = await s.client.db('db').collection('c').watch().open();
    expect(await stream.next()).toMatchObject({ _id: { _data: 'event1' } });
    expect(s.commands().filter((c) => c !== 'killCursors')).toEqual(['aggregate', 'getMore', 'aggregate', 'getMore', 'aggregate', 'getMore']);
    expect(stream.resumeToken).toEqual({ _data: 'p4' });
    await stream.close();
  });

  it('a failed resume aggregate is reported and closes the stream', async () => {
    const s = scriptedClient([batch('firstBatch', [], 'p1'), serverError(280)], [networkError()]);
    const stream = await s.client.db('db').collection('c').watch().open();
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(280);
    expect(stream.closed).toBe(true);
  });

  it('the initial aggregate error is not resumed', async () => {
    const s = scriptedClient([serverError(40324)], []);
    const stream = s.client.db('db').collection('c').watch([{ $unknown: 1 }]);
    await expect(stream.next()).rejects.toMatchObject({ code: 40324 });
    expect(s.commands()).toEqual(['aggregate']);
    expect(stream.closed).toBe(true);
  });

  it('wire version ≥ 9: only labelled errors resume; the others close the stream', async () => {
    const labelled = scriptedClient([batch('firstBatch', [], 'p1'), batch('firstBatch', [], 'p2')], [serverError(280, ['ResumableChangeStreamError']), batch('nextBatch', [event(1)], 'p3')]);
    const resumed = await labelled.client.db('db').collection('c').watch().open();
    expect(await resumed.next()).toMatchObject({ operationType: 'insert' });
    await resumed.close();

    const unlabelled = scriptedClient([batch('firstBatch', [], 'p1')], [serverError(6)]);
    const stream = await unlabelled.client.db('db').collection('c').watch().open();
    await expect(stream.next()).rejects.toMatchObject({ code: 6 });
    expect(stream.closed).toBe(true);
    expect(unlabelled.commands()).toEqual(['aggregate', 'getMore', 'killCursors']);
  });

  it('wire version < 9: the spec code list decides', async () => {
    const s = scriptedClient([batch('firstBatch', [], 'p1'), batch('firstBatch', [], 'p2'), batch('firstBatch', [], 'p3')], [serverError(6), serverError(11601)]);
    s.target.servers[0].description.maxWireVersion = 8;
    const stream = await s.client.db('db').collection('c').watch().open();
    await expect(stream.next()).rejects.toMatchObject({ code: 11601 });
    expect(s.commands().filter((c) => c === 'aggregate')).toHaveLength(2);
  });
});

describe('ending and iterating', () => {
  it('a cursor closed by the server (invalidate) ends the stream: next() gives null, hasNext() false', async () => {
    const invalidate = { _id: { _data: 'inv' }, operationType: 'invalidate' };
    const s = scriptedClient([batch('firstBatch', [event(1)], 'p1')], [batch('nextBatch', [invalidate], 'p2', 0n)]);
    const stream = await s.client.db('db').collection('c').watch().open();
    const seen: string[] = [];
    for await (const change of stream) {
      seen.push(String(change.operationType));
      if (change.operationType === 'invalidate') expect(stream.closed).toBe(true);
    }
    expect(seen).toEqual(['insert', 'invalidate']);
    expect(stream.closed).toBe(true);
    expect(await stream.next()).toBeNull();
    expect(await stream.hasNext()).toBe(false);
    expect(stream.resumeToken).toEqual({ _data: 'p2' });
  });

  it('break out of for-await kills the cursor', async () => {
    const s = scriptedClient([batch('firstBatch', [event(1), event(2)], 'p1')], []);
    const stream = s.client.db('db').collection('c').watch();
    for await (const change of stream) if (change.operationType === 'insert') break;
    expect(stream.closed).toBe(true);
    expect(s.commands()).toEqual(['aggregate', 'killCursors']);
  });
});

describe('comment', () => {
  it('is sent on getMore only to servers of wire version ≥ 9', async () => {
    const old = scriptedClient([batch('firstBatch', [], 'p1')], []);
    old.target.servers[0].description.maxWireVersion = 8;
    const stream = await old.client.db('db').collection('c').watch([], { comment: 'c' }).open();
    await stream.tryNext();
    expect(old.bodies('aggregate')[0].comment).toBe('c');
    expect(old.bodies('getMore')[0].comment).toBeUndefined();
    await stream.close();
  });
});

describe('session', () => {
  it('the implicit session lives as long as the stream and returns to the pool when it closes', async () => {
    const s = scriptedClient([batch('firstBatch', [], 'p1'), batch('firstBatch', [], 'p2', 0n), batch('firstBatch', [], undefined, 0n)], [serverError(43)]);
    const stream = await s.client.db('db').collection('c').watch().open();
    await stream.tryNext();
    const lsid = JSON.stringify(s.bodies('aggregate')[1].lsid);
    expect(JSON.stringify(s.bodies('aggregate')[0].lsid)).toBe(lsid);
    await stream.close();
    await s.client.db('db').collection('c').aggregate([]).toArray();
    expect(JSON.stringify(s.bodies('aggregate')[2].lsid)).toBe(lsid);
  });

  it('an explicit session is used for every command and left to the application', async () => {
    const s = scriptedClient([batch('firstBatch', [], 'p1'), batch('firstBatch', [], 'p2')], [networkError()]);
    const session = s.client.startSession();
    const stream = await s.client.db('db').collection('c').watch([], { session }).open();
    await stream.tryNext();
    await stream.close();
    const lsids = s.target.sent.filter((c) => c.body.lsid !== undefined).map((c) => JSON.stringify(c.body.lsid));
    expect(new Set(lsids)).toEqual(new Set([JSON.stringify(session.id)]));
    expect(session.hasEnded).toBe(false);
    await session.endSession();
  });
});
