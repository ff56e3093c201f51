import { describe, expect, it } from 'vitest';
import { Double, Int32, Long, ObjectId, serialize } from '../../../src/bson.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

describe('insert / find / update / delete', () => {
  it('inserts, generates _id first, and finds in natural order', async () => {
    const ctx = fakeContext();
    expect(await run(ctx, { insert: 'c', documents: [{ a: 1, _id: 2 }, { a: 2 }] })).toEqual({ n: 2, ok: 1 });
    const docs = await findAll(ctx, 'c');
    expect(docs).toHaveLength(2);
    expect(Object.keys(docs[0] ?? {})).toEqual(['_id', 'a']);
    expect(docs[0]).toEqual({ _id: 2, a: 1 });
    expect(docs[1]?._id).toBeInstanceOf(ObjectId);
  });

  it('never shares objects with callers', async () => {
    const ctx = fakeContext();
    const doc = { _id: 1, sub: { x: 1 } };
    await run(ctx, { insert: 'c', documents: [doc] });
    doc.sub.x = 99;
    const [found] = await findAll(ctx, 'c');
    expect(found).toEqual({ _id: 1, sub: { x: 1 } });
    (found?.sub as { x: number }).x = 5;
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, sub: { x: 1 } }]);
  });

  it('keeps stored numeric types on the way out', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, i: new Int32(1), d: new Double(1), l: Long.fromNumber(1), f: 1.5 }] });
    const [doc] = await findAll(ctx, 'c');
    const bytes = serialize(doc ?? {});
    const expected = serialize({ _id: 1, i: new Int32(1), d: new Double(1), l: Long.fromNumber(1), f: 1.5 });
    expect(Buffer.compare(bytes, expected)).toBe(0);
  });

  it('unordered inserts continue past duplicate keys with the exact E11000 shape', async () => {
    const ctx = fakeContext('db');
    const reply = await run(ctx, { insert: 'coll', ordered: false, documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }] });
    expect(reply).toEqual({
      n: 2,
      writeErrors: [{
        index: 1,
        code: 11000,
        errmsg: 'E11000 duplicate key error collection: db.coll index: _id_ dup key: { _id: 1 }',
        keyPattern: { _id: 1 },
        keyValue: { _id: 1 },
      }],
      ok: 1,
    });
  });

  it('ordered inserts stop at the first error', async () => {
    const ctx = fakeContext();
    const reply = await run(ctx, { insert: 'c', documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }] });
    expect(reply.n).toBe(1);
    expect((reply.writeErrors as unknown[]).length).toBe(1);
  });

  it('rejects documents over 16 MiB with BSONObjectTooLarge', async () => {
    const ctx = fakeContext();
    const reply = await run(ctx, { insert: 'c', documents: [{ _id: 1, big: 'x'.repeat(16 * 1024 * 1024) }] });
    const [error] = reply.writeErrors as Array<{ code: number; errmsg: string }>;
    expect(error?.code).toBe(10334);
    expect(error?.errmsg).toMatch(/^object to insert too large\. size in bytes: \d+, max size: 16777216$/);
  });

  it('rejects array _id and $-prefixed _id fields', async () => {
    const ctx = fakeContext();
    const reply = await run(ctx, { insert: 'c', ordered: false, documents: [{ _id: [1] }, { _id: { $a: 1 } }, { _id: 3, $b: 1 }] });
    expect((reply.writeErrors as Array<{ code: number }>).map((e) => e.code)).toEqual([53, 52]);
    expect(reply.n).toBe(1);
  });

  it('update with upsert reports upserted and seeds from equality fields', async () => {
    const ctx = fakeContext();
    const reply = await run(ctx, { update: 'c', updates: [{ q: { _id: 5, a: { $eq: 2 }, b: { $gt: 1 } }, u: { $set: { c: 3 } }, upsert: true }] });
    expect(reply).toEqual({ n: 1, nModified: 0, upserted: [{ index: 0, _id: 5 }], ok: 1 });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 5, a: 2, c: 3 }]);
  });

  it('update multi counts n and nModified; no-op updates do not modify', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 1 }, { _id: 2, a: 2 }, { _id: 3, a: 1 }] });
    expect(await run(ctx, { update: 'c', updates: [{ q: { a: 1 }, u: { $set: { a: 1 } }, multi: true }] })).toEqual({ n: 2, nModified: 0, ok: 1 });
    expect(await run(ctx, { update: 'c', updates: [{ q: {}, u: { $inc: { a: 10 } }, multi: true }] })).toEqual({ n: 3, nModified: 3, ok: 1 });
    expect((await findAll(ctx, 'c')).map((d) => d.a)).toEqual([11, 12, 11]);
  });

  it('replacement keeps _id; changing _id is ImmutableField', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 1 }] });
    await run(ctx, { update: 'c', updates: [{ q: { _id: 1 }, u: { b: 2 } }] });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, b: 2 }]);
    const reply = await run(ctx, { update: 'c', updates: [{ q: { _id: 1 }, u: { $set: { _id: 2 } } }] });
    expect((reply.writeErrors as Array<{ code: number }>)[0]?.code).toBe(66);
  });

  it('rejects unknown modifiers and mixed documents with FailedToParse', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1 }] });
    const reply = await run(ctx, { update: 'c', updates: [{ q: {}, u: { $set: { a: 1 }, b: 1 } }] });
    expect(reply.writeErrors).toEqual([{ index: 0, code: 9, errmsg: 'Unknown modifier: b. Expected a valid update modifier or pipeline-style update specified as an array' }]);
  });

  it('pipeline updates', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 2, b: 3 }] });
    await run(ctx, { update: 'c', updates: [{ q: {}, u: [{ $set: { s: { $add: ['$a', '$b'] } } }, { $unset: 'b' }] }] });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, a: 2, s: 5 }]);
  });

  it('delete with limit 1 and 0', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 1 }, { _id: 2, a: 1 }, { _id: 3, a: 1 }] });
    expect(await run(ctx, { delete: 'c', deletes: [{ q: { a: 1 }, limit: 1 }] })).toEqual({ n: 1, ok: 1 });
    expect(await run(ctx, { delete: 'c', deletes: [{ q: { a: 1 }, limit: 0 }] })).toEqual({ n: 2, ok: 1 });
  });

  it('find with sort, skip, limit, projection; bad hint is BadValue', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [1, 2, 3, 4, 5].map((i) => ({ _id: i, x: i % 3, y: i })) });
    expect(await findAll(ctx, 'c', { filter: { y: { $gte: 2 } }, sort: { x: -1, y: 1 }, skip: 1, limit: 2, projection: { _id: 0, y: 1 } }))
      .toEqual([{ y: 5 }, { y: 4 }]);
    expect(await runError(ctx, { find: 'c', hint: 'nope_1' })).toEqual({
      ok: 0, errmsg: 'hint provided does not correspond to an existing index', code: 2, codeName: 'BadValue',
    });
    expect(await findAll(ctx, 'c', { hint: { _id: 1 }, limit: 1 })).toEqual([{ _id: 1, x: 1, y: 1 }]);
  });

  it('count and distinct', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: [1, 2] }, { _id: 2, a: 2 }, { _id: 3, a: new Double(1) }, { _id: 4 }] });
    expect(await run(ctx, { count: 'c', query: { a: 2 } })).toEqual({ n: 2, ok: 1 });
    expect(await run(ctx, { count: 'c', skip: 1, limit: 2 })).toEqual({ n: 2, ok: 1 });
    expect(await run(ctx, { count: 'missing' })).toEqual({ n: 0, ok: 1 });
    expect(await run(ctx, { distinct: 'c', key: 'a' })).toEqual({ values: [1, 2], ok: 1 });
  });

  it('accepts a null _id, also from an upsert', async () => {
    const ctx = fakeContext();
    expect(await run(ctx, { update: 'c', updates: [{ q: { _id: null }, u: { $unset: { a: '' } }, upsert: true }] }))
      .toEqual({ n: 1, nModified: 0, upserted: [{ index: 0, _id: null }], ok: 1 });
    expect(await run(ctx, { count: 'c', query: { _id: { $type: 'null' } } })).toEqual({ n: 1, ok: 1 });
  });
});
