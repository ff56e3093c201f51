// Equality lookups through the _id index and single-field indexes, stored bytes
// handed out by find, and the default first-batch size.
import { describe, expect, it } from 'vitest';
import { Double, Int32, Long, ObjectId, serialize, type Document } from '../../../src/bson.js';
import { findTopLevelElement, withIdElementFirst } from '../../../src/server/storage/bson-elements.js';
import { RawDocument } from '../../../src/server/storage/raw-document.js';
import { MemoryCursorStore } from '../../../src/server/cursors/cursor-store.js';
import { DEFAULT_FIRST_BATCH_SIZE } from '../../../src/server/cursors/batch.js';
import { fakeContext, findAll, run } from './fake-context.js';

describe('index equality lookups', () => {
  it('treats 1, 1.0 and NumberLong(1) as one _id key, and keeps types distinct otherwise', async () => {
    const context = fakeContext();
    await run(context, { insert: 'c', documents: [{ _id: 1, v: 'int' }, { _id: '1', v: 'string' }, { _id: new Double(2), v: 'double' }] });
    for (const id of [1, new Double(1), Long.fromNumber(1), new Int32(1)]) {
      expect(await findAll(context, 'c', { filter: { _id: id } })).toEqual([{ _id: 1, v: 'int' }]);
    }
    expect(await findAll(context, 'c', { filter: { _id: '1' } })).toEqual([{ _id: '1', v: 'string' }]);
    expect(await findAll(context, 'c', { filter: { _id: { $in: [2, '1', 7] } } })).toEqual([{ _id: '1', v: 'string' }, { _id: new Double(2), v: 'double' }]);
    expect(await findAll(context, 'c', { filter: { _id: { $eq: Long.fromNumber(2) } } })).toEqual([{ _id: new Double(2), v: 'double' }]);
    const dup = await run(context, { insert: 'c', documents: [{ _id: Long.fromNumber(1) }] });
    expect((dup.writeErrors as Document[])[0]?.code).toBe(11000);
  });

  it('still applies the rest of the filter and keeps natural order', async () => {
    const context = fakeContext();
    await run(context, { insert: 'c', documents: [{ _id: 3, x: 1 }, { _id: 1, x: 2 }, { _id: 2, x: 1 }] });
    expect(await findAll(context, 'c', { filter: { _id: { $in: [2, 3, 1] }, x: 1 } })).toEqual([{ _id: 3, x: 1 }, { _id: 2, x: 1 }]);
    expect(await findAll(context, 'c', { filter: { _id: /^1/ } })).toEqual([]);
    expect((await run(context, { count: 'c', query: { _id: 1 } })).n).toBe(1);
    await run(context, { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { x: 9 } } }] });
    await run(context, { delete: 'c', deletes: [{ q: { _id: { $in: [2] } }, limit: 0 }] });
    expect(await findAll(context, 'c')).toEqual([{ _id: 3, x: 1 }, { _id: 1, x: 9 }]);
  });

  it('uses a single-field index for equality, multikey included, and follows updates', async () => {
    const context = fakeContext();
    await run(context, { createIndexes: 'c', indexes: [{ key: { tag: 1 }, name: 'tag_1' }] });
    await run(context, { insert: 'c', documents: [{ _id: 1, tag: 'a' }, { _id: 2, tag: ['a', 'b'] }, { _id: 3, tag: 'b' }] });
    expect((await findAll(context, 'c', { filter: { tag: 'a' } })).map((d) => d._id)).toEqual([1, 2]);
    await run(context, { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { tag: 'b' } } }] });
    expect((await findAll(context, 'c', { filter: { tag: 'b' } })).map((d) => d._id)).toEqual([1, 2, 3]);
    expect((await findAll(context, 'c', { filter: { tag: 'a' } })).map((d) => d._id)).toEqual([2]);
  });

  it('bypasses index keys under a non-simple collation', async () => {
    const context = fakeContext();
    await run(context, { insert: 'c', documents: [{ _id: 'abc' }, { _id: 'ABC' }] });
    const found = await findAll(context, 'c', { filter: { _id: 'abc' }, collation: { locale: 'en', strength: 2 } });
    expect(found.map((d) => d._id)).toEqual(['abc', 'ABC']);
  });
});

describe('stored bytes', () => {
  it('moves _id to the front of serialized bytes as serialize would place it', () => {
    const doc = { a: 1, b: 'x', _id: new ObjectId(), c: [1, 2] };
    const moved = withIdElementFirst(serialize(doc));
    expect(Buffer.from(moved)).toEqual(serialize({ _id: doc._id, a: 1, b: 'x', c: [1, 2] }));
    expect(findTopLevelElement(moved, '_id')?.start).toBe(4);
  });

  it('returns numeric types as they were stored (Int32, integral Double, Long)', async () => {
    const context = fakeContext();
    await run(context, { insert: 'c', documents: [{ b: new Double(3), c: Long.fromNumber(4), a: new Int32(2), _id: 1 }] });
    const [doc] = await findAll(context, 'c');
    expect(Object.keys(doc ?? {})).toEqual(['_id', 'b', 'c', 'a']);
    expect(doc?.b).toEqual(new Double(3));
    expect(doc?.c).toEqual(Long.fromNumber(4));
    expect(doc?.a).toBe(2);
  });

  it('caps the first batch at 101 documents by default and counts raw bytes for the 16 MiB cap', () => {
    const store = new MemoryCursorStore();
    const docs = Array.from({ length: 150 }, (_, i) => new RawDocument(serialize({ _id: i })));
    const opened = store.open(docs, { ns: 'db.c', connectionId: 1, defaultBatchSize: DEFAULT_FIRST_BATCH_SIZE });
    expect(opened.firstBatch).toHaveLength(101);
    const cursor = store.find(opened.id);
    if (cursor === undefined) throw new Error('cursor missing');
    expect(store.nextBatch(cursor, undefined).batch).toHaveLength(49);
    store.clear();
  });
});
