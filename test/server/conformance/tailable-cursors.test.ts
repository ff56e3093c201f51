// Tailable (and awaitData) cursors on capped collections, through the official driver's
// runCommand so every getMore is visible: they stay open at the end of the data.
import { beforeEach, describe, expect, it } from 'vitest';
import { Long, type Document } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

describe('tailable cursors (official driver)', () => {
  const fixture = useServer();
  const db = () => fixture.client.db('tail-tests');
  const capped = () => db().collection<{ _id: number }>('capped');

  beforeEach(async () => {
    await db().collection('capped').drop().catch(() => undefined);
    await db().createCollection('capped', { capped: true, size: 4096, max: 3 });
    await capped().insertMany([{ _id: 1 }, { _id: 2 }]);
  });

  const getMore = async (id: unknown, extra: Document = {}): Promise<Document> =>
    (await db().command({ getMore: id, collection: 'capped', ...extra })).cursor as Document;

  it('stays open at the end of the data and returns documents inserted later', async () => {
    const opened = (await db().command({ find: 'capped', tailable: true, batchSize: 2 })).cursor as Document;
    expect(opened.firstBatch).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect((opened.id as Long).isZero()).toBe(false);
    const empty = await getMore(opened.id);
    expect(empty.nextBatch).toEqual([]);
    expect(empty.id).toEqual(opened.id);
    // The capped collection drops _id 1 to make room: the cursor still sees only what is new.
    await capped().insertMany([{ _id: 3 }, { _id: 4 }]);
    expect((await getMore(opened.id)).nextBatch).toEqual([{ _id: 3 }, { _id: 4 }]);
    const killed = await db().command({ killCursors: 'capped', cursors: [opened.id] });
    expect(killed.cursorsKilled).toEqual([opened.id]);
    await expect(getMore(opened.id)).rejects.toMatchObject({ code: 43 });
  });

  it('waits up to maxTimeMS for new documents with awaitData', async () => {
    const opened = (await db().command({ find: 'capped', tailable: true, awaitData: true })).cursor as Document;
    const waiting = getMore(opened.id, { maxTimeMS: 5000 });
    setTimeout(() => void capped().insertOne({ _id: 9 }), 50);
    expect((await waiting).nextBatch).toEqual([{ _id: 9 }]);
    const started = Date.now();
    expect((await getMore(opened.id, { maxTimeMS: 100 })).nextBatch).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await db().command({ killCursors: 'capped', cursors: [opened.id] });
  });

  it('rejects tailing a collection that is not capped, and awaitData without tailable', async () => {
    await db().collection('plain').insertOne({ a: 1 });
    await expect(db().command({ find: 'plain', tailable: true })).rejects.toMatchObject({ code: 2 });
    await expect(db().command({ find: 'capped', awaitData: true })).rejects.toMatchObject({ code: 9 });
  });

  it('keeps $recordId only when showRecordId was asked for', async () => {
    const opened = (await db().command({ find: 'capped', tailable: true, showRecordId: true })).cursor as Document;
    expect((opened.firstBatch as Document[]).every((doc) => '$recordId' in doc)).toBe(true);
    await db().command({ killCursors: 'capped', cursors: [opened.id] });
  });
});
