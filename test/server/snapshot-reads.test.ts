// Snapshot reads (readConcern snapshot outside transactions) on the embedded
// one-member replica set, through raw commands of the official driver: reads
// at an earlier cluster time see the data as it was then, cursors keep their
// snapshot, and times outside the kept history fail as on mongod.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoServerError, type MongoClient, Timestamp, type Db, type Document } from 'mongodb';
import { useServer } from './support/server-fixture.js';


async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(error)}`);
  return error;
}

function snapshotAt(time?: Timestamp): Document {
  return { readConcern: time === undefined ? { level: 'snapshot' } : { level: 'snapshot', atClusterTime: time } };
}

describe('snapshot reads (one-member replica set)', () => {
  const fixture = useServer({ replSet: 'rs0' });
  let client: MongoClient;
  let db: Db;

  beforeAll(() => {
    client = fixture.client;
  });

  beforeEach(async () => {
    db = client.db('snap');
    await db.dropDatabase();
  });

  /** Inserts the documents and returns the insert's operationTime (the time they are visible from). */
  async function insert(coll: string, documents: Document[]): Promise<Timestamp> {
    const reply = await db.command({ insert: coll, documents });
    return reply.operationTime as Timestamp;
  }

  async function findAt(coll: string, time: Timestamp, extra: Document = {}): Promise<Document> {
    return db.command({ find: coll, filter: {}, sort: { _id: 1 }, ...extra, ...snapshotAt(time) });
  }

  it('reports the read time: cursor.atClusterTime for find and aggregate, top-level for distinct', async () => {
    const written = await insert('c', [{ _id: 1 }]);
    const find = await db.command({ find: 'c', filter: {}, ...snapshotAt() });
    const aggregate = await db.command({ aggregate: 'c', pipeline: [], cursor: {}, ...snapshotAt() });
    const distinct = await db.command({ distinct: 'c', key: '_id', ...snapshotAt() });
    for (const time of [find.cursor.atClusterTime, aggregate.cursor.atClusterTime, distinct.atClusterTime]) {
      expect(time).toBeInstanceOf(Timestamp);
      expect((time as Timestamp).greaterThanOrEqual(written)).toBe(true);
    }
    const plain = await db.command({ find: 'c', filter: {} });
    expect(plain.cursor.atClusterTime).toBeUndefined();
  });

  it('reads the data as of atClusterTime: later inserts, updates and deletes are invisible', async () => {
    const before = await insert('c', [{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }]);
    await db.command({ update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { x: 10 } } }] });
    await db.command({ delete: 'c', deletes: [{ q: { _id: 2 }, limit: 1 }] });
    await insert('c', [{ _id: 4, x: 4 }]);
    const old = await findAt('c', before);
    expect(old.cursor.firstBatch).toEqual([{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }]);
    expect(old.cursor.atClusterTime).toEqual(before);
    const now = await db.command({ find: 'c', filter: {}, sort: { _id: 1 } });
    expect(now.cursor.firstBatch).toEqual([{ _id: 1, x: 10 }, { _id: 3, x: 3 }, { _id: 4, x: 4 }]);
  });

  it('serves distinct and aggregate (with $lookup) at the snapshot', async () => {
    const before = await insert('c', [{ _id: 1, x: 'a' }, { _id: 2, x: 'b' }]);
    await insert('other', [{ _id: 'late', x: 'a' }]);
    await db.command({ update: 'c', updates: [{ q: {}, u: { $set: { x: 'z' } }, multi: true }] });
    const distinct = await db.command({ distinct: 'c', key: 'x', ...snapshotAt(before) });
    expect([...(distinct.values as string[])].sort()).toEqual(['a', 'b']);
    expect(distinct.atClusterTime).toEqual(before);
    const pipeline = [{ $sort: { _id: 1 } }, { $lookup: { from: 'other', localField: 'x', foreignField: 'x', as: 'joined' } }];
    const aggregate = await db.command({ aggregate: 'c', pipeline, cursor: {}, ...snapshotAt(before) });
    expect(aggregate.cursor.firstBatch).toEqual([{ _id: 1, x: 'a', joined: [] }, { _id: 2, x: 'b', joined: [] }]);
  });

  it('keeps a cursor on its snapshot across getMore', async () => {
    const before = await insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const opened = await findAt('c', before, { batchSize: 1 });
    expect(opened.cursor.firstBatch).toEqual([{ _id: 1 }]);
    await db.command({ delete: 'c', deletes: [{ q: {}, limit: 0 }] });
    const more = await db.command({ getMore: opened.cursor.id, collection: 'c' });
    expect(more.cursor.nextBatch).toEqual([{ _id: 2 }, { _id: 3 }]);
  });

  it('finds collections dropped or renamed since, and not those created since', async () => {
    const before = await insert('dropped', [{ _id: 'd' }]);
    await insert('moved', [{ _id: 'm' }]);
    const afterBoth = (await insert('moved', [{ _id: 'm2' }]));
    await db.command({ drop: 'dropped' });
    await db.admin().command({ renameCollection: 'snap.moved', to: 'snap.renamed' });
    await insert('created', [{ _id: 'c' }]);
    expect((await findAt('dropped', before)).cursor.firstBatch).toEqual([{ _id: 'd' }]);
    expect((await findAt('moved', afterBoth)).cursor.firstBatch).toEqual([{ _id: 'm' }, { _id: 'm2' }]);
    expect((await findAt('renamed', afterBoth)).cursor.firstBatch).toEqual([]);
    expect((await findAt('created', afterBoth)).cursor.firstBatch).toEqual([]);
    expect((await findAt('dropped', afterBoth)).cursor.firstBatch).toEqual([{ _id: 'd' }]);
  });

  it('fails with SnapshotTooOld before the history it keeps, InvalidOptions in the future', async () => {
    await insert('c', [{ _id: 1 }]);
    const old = await serverError(findAt('c', new Timestamp({ t: 1, i: 1 })));
    expect(old.code).toBe(239);
    const now = (await db.command({ ping: 1 })).operationTime as Timestamp;
    const future = await serverError(findAt('c', new Timestamp({ t: now.high + 3600, i: 1 })));
    expect(future.code).toBe(72);
    const both = await serverError(db.command({ find: 'c', readConcern: { level: 'snapshot', atClusterTime: now, afterClusterTime: now } }));
    expect(both.code).toBe(72);
  });

  it('refuses writing stages under readConcern snapshot', async () => {
    await insert('c', [{ _id: 1 }]);
    const error = await serverError(db.command({ aggregate: 'c', pipeline: [{ $out: 'copy' }], cursor: {}, ...snapshotAt() }));
    expect(error.code).toBe(72);
  });
});
