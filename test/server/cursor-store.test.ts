import { describe, expect, it } from 'vitest';
import { Long } from '../../src/bson.js';
import { MemoryCursorStore } from '../../src/server/cursors/cursor-store.js';
import { materialize } from '../../src/server/storage/raw-document.js';

const docs = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('MemoryCursorStore', () => {
  it('returns everything at once without a batchSize and closes', () => {
    const store = new MemoryCursorStore();
    const cursor = store.open(docs(5), { ns: 'db.c', connectionId: 1 });
    expect(cursor.firstBatch).toHaveLength(5);
    expect(cursor.id).toEqual(Long.ZERO);
    expect(store.size).toBe(0);
  });

  it('pages through batches with random positive int64 ids', () => {
    const store = new MemoryCursorStore();
    const opened = store.open(docs(7), { ns: 'db.c', batchSize: 3, connectionId: 1 });
    expect(opened.firstBatch).toHaveLength(3);
    const id = opened.id as Long;
    expect(id.greaterThan(Long.ZERO)).toBe(true);
    const cursor = store.find(id);
    if (cursor === undefined) throw new Error('cursor missing');
    expect(store.nextBatch(cursor, 3).batch.map((d) => materialize(d).i)).toEqual([3, 4, 5]);
    const last = store.nextBatch(cursor, 3);
    expect(last.batch.map((d) => materialize(d).i)).toEqual([6]);
    expect(last.id).toEqual(Long.ZERO);
    expect(store.find(id)).toBeUndefined();
    store.clear();
  });

  it('honours batchSize 0 and singleBatch', () => {
    const store = new MemoryCursorStore();
    const empty = store.open(docs(3), { ns: 'db.c', batchSize: 0, connectionId: 1 });
    expect(empty.firstBatch).toEqual([]);
    expect(store.kill(empty.id)).toBe(true);
    const single = store.open(docs(3), { ns: 'db.c', batchSize: 1, singleBatch: true, connectionId: 1 });
    expect(single.firstBatch).toHaveLength(1);
    expect(single.id).toEqual(Long.ZERO);
    store.clear();
  });

  it('finds cursors by Long, bigint or number id', () => {
    const store = new MemoryCursorStore();
    const { id } = store.open(docs(3), { ns: 'db.c', batchSize: 1, connectionId: 1 });
    const asLong = id as Long;
    expect(store.find(asLong.toBigInt())).toBeDefined();
    expect(store.find('nope')).toBeUndefined();
    expect(store.killWhere(() => true)).toBe(1);
    store.clear();
  });
});
