import { describe, expect, it } from 'vitest';
import { fakeContext, findAll, run, runError } from './fake-context.js';

describe('indexes', () => {
  it('createIndexes reply, name generation and listIndexes shape', async () => {
    const ctx = fakeContext('db');
    expect(await run(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1, b: -1 } }, { key: { u: 1 }, name: 'uniq', unique: true, sparse: true }] }))
      .toEqual({ createdCollectionAutomatically: true, numIndexesBefore: 1, numIndexesAfter: 3, ok: 1 });
    const reply = await run(ctx, { listIndexes: 'c' });
    expect(reply.cursor).toEqual({
      firstBatch: [
        { v: 2, key: { _id: 1 }, name: '_id_' },
        { v: 2, key: { a: 1, b: -1 }, name: 'a_1_b_-1' },
        { v: 2, key: { u: 1 }, name: 'uniq', unique: true, sparse: true },
      ],
      id: 0n,
      ns: 'db.c',
    });
    expect(await run(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1, b: -1 } }] }))
      .toEqual({ createdCollectionAutomatically: false, numIndexesBefore: 3, numIndexesAfter: 3, note: 'all indexes already exist', ok: 1 });
  });

  it('conflicting index specs', async () => {
    const ctx = fakeContext();
    await run(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 } }] });
    expect((await runError(ctx, { createIndexes: 'c', indexes: [{ key: { b: 1 }, name: 'a_1' }] })).codeName).toBe('IndexKeySpecsConflict');
    expect((await runError(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 }, name: 'other' }] })).codeName).toBe('IndexOptionsConflict');
    expect((await runError(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 }, unique: true }] })).code).toBe(85);
  });

  it('enforces unique compound indexes with the exact E11000 shape', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { createIndexes: 'coll', indexes: [{ key: { a: 1, b: 1 }, name: 'a_1_b_1', unique: true }] });
    await run(ctx, { insert: 'coll', documents: [{ _id: 1, a: 1, b: 'x' }, { _id: 2, a: 1, b: 'y' }] });
    const reply = await run(ctx, { insert: 'coll', documents: [{ _id: 3, a: 1, b: 'x' }] });
    expect(reply.writeErrors).toEqual([{
      index: 0,
      code: 11000,
      errmsg: 'E11000 duplicate key error collection: db.coll index: a_1_b_1 dup key: { a: 1, b: "x" }',
      keyPattern: { a: 1, b: 1 },
      keyValue: { a: 1, b: 'x' },
    }]);
    const upd = await run(ctx, { update: 'coll', updates: [{ q: { _id: 2 }, u: { $set: { b: 'x' } } }] });
    expect((upd.writeErrors as Array<{ code: number }>)[0]?.code).toBe(11000);
    expect(await findAll(ctx, 'coll', { filter: { _id: 2 } })).toEqual([{ _id: 2, a: 1, b: 'y' }]);
  });

  it('unique treats numeric types as equal and missing as null', async () => {
    const ctx = fakeContext();
    await run(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 }, unique: true }] });
    const reply = await run(ctx, { insert: 'c', ordered: false, documents: [{ _id: 1, a: 1 }, { _id: 2, a: 1.0 }, { _id: 3 }, { _id: 4 }, { _id: 5, a: null }] });
    expect((reply.writeErrors as Array<{ index: number; keyValue: unknown }>).map((e) => [e.index, e.keyValue])).toEqual([[1, { a: 1 }], [3, { a: null }], [4, { a: null }]]);
  });

  it('sparse unique skips missing fields; partial unique applies only to matching documents', async () => {
    const ctx = fakeContext();
    await run(ctx, { createIndexes: 'c', indexes: [
      { key: { s: 1 }, unique: true, sparse: true },
      { key: { p: 1 }, unique: true, partialFilterExpression: { active: true } },
    ] });
    const reply = await run(ctx, { insert: 'c', ordered: false, documents: [
      { _id: 1 }, { _id: 2 }, { _id: 3, p: 1 }, { _id: 4, p: 1 }, { _id: 5, p: 1, active: true }, { _id: 6, p: 1, active: true },
    ] });
    expect(reply.n).toBe(5);
    expect((reply.writeErrors as Array<{ index: number; errmsg: string }>).map((e) => [e.index, e.errmsg]))
      .toEqual([[5, 'E11000 duplicate key error collection: test.c index: p_1 dup key: { p: 1 }']]);
  });

  it('creating a unique index over duplicates fails', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 1 }, { _id: 2, a: 1 }] });
    expect((await runError(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 }, unique: true }] })).code).toBe(11000);
  });

  it('dropIndexes by name, key, array and *; errors', async () => {
    const ctx = fakeContext();
    await run(ctx, { createIndexes: 'c', indexes: [{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }, { key: { d: 1 } }] });
    expect(await run(ctx, { dropIndexes: 'c', index: 'a_1' })).toEqual({ nIndexesWas: 5, ok: 1 });
    expect(await run(ctx, { dropIndexes: 'c', index: { b: 1 } })).toEqual({ nIndexesWas: 4, ok: 1 });
    expect(await runError(ctx, { dropIndexes: 'c', index: 'zz' })).toEqual({ ok: 0, errmsg: 'index not found with name [zz]', code: 27, codeName: 'IndexNotFound' });
    expect(await runError(ctx, { dropIndexes: 'c', index: '_id_' })).toMatchObject({ code: 72, codeName: 'InvalidOptions' });
    expect(await run(ctx, { dropIndexes: 'c', index: ['c_1'] })).toEqual({ nIndexesWas: 3, ok: 1 });
    expect(await run(ctx, { dropIndexes: 'c', index: '*' })).toEqual({ nIndexesWas: 2, ok: 1 });
    expect(await runError(ctx, { dropIndexes: 'nope', index: '*' })).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
    expect(await runError(ctx, { listIndexes: 'nope' })).toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });
});
