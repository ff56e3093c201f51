import { describe, expect, it } from 'vitest';
import { fakeContext, findAll, run } from './fake-context.js';

describe('findAndModify', () => {
  it('updates and returns the old or new document', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, x: 1 }, { _id: 2, x: 2 }] });
    expect(await run(ctx, { findAndModify: 'c', query: {}, sort: { x: -1 }, update: { $inc: { x: 1 } } }))
      .toEqual({ lastErrorObject: { n: 1, updatedExisting: true }, value: { _id: 2, x: 2 }, ok: 1 });
    expect(await run(ctx, { findAndModify: 'c', query: { _id: 1 }, update: { $inc: { x: 1 } }, new: true, fields: { _id: 0 } }))
      .toEqual({ lastErrorObject: { n: 1, updatedExisting: true }, value: { x: 2 }, ok: 1 });
  });

  it('upserts and removes', async () => {
    const ctx = fakeContext();
    expect(await run(ctx, { findAndModify: 'c', query: { _id: 3 }, update: { $set: { y: 1 } }, upsert: true, new: true }))
      .toEqual({ lastErrorObject: { n: 1, updatedExisting: false, upserted: 3 }, value: { _id: 3, y: 1 }, ok: 1 });
    expect(await run(ctx, { findAndModify: 'c', query: { _id: 4 }, update: { $set: { y: 1 } } }))
      .toEqual({ lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 });
    expect(await run(ctx, { findAndModify: 'c', query: { _id: 3 }, remove: true }))
      .toEqual({ lastErrorObject: { n: 1 }, value: { _id: 3, y: 1 }, ok: 1 });
    expect(await findAll(ctx, 'c')).toEqual([]);
  });

  it('replacement, pipeline update and arrayFilters', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: [1, 5] }] });
    await run(ctx, { findAndModify: 'c', query: { _id: 1 }, update: { $set: { 'a.$[e]': 0 } }, arrayFilters: [{ e: { $gt: 2 } }] });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, a: [1, 0] }]);
    await run(ctx, { findAndModify: 'c', query: { _id: 1 }, update: [{ $set: { n: { $size: '$a' } } }] });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, a: [1, 0], n: 2 }]);
    await run(ctx, { findAndModify: 'c', query: { _id: 1 }, update: { z: 1 } });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, z: 1 }]);
  });
});
