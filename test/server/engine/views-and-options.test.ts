import { describe, expect, it } from 'vitest';
import type { Document } from '../../../src/bson.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

async function firstBatch(ctx: ReturnType<typeof fakeContext>, command: Document): Promise<Document[]> {
  return ((await run(ctx, command)).cursor as Document).firstBatch as Document[];
}

describe('views', () => {
  it('find, aggregate, count and distinct run the view pipeline over its source', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'src', documents: [{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }] });
    await run(ctx, { create: 'big', viewOn: 'src', pipeline: [{ $match: { x: { $gte: 2 } } }] });
    await run(ctx, { create: 'bigger', viewOn: 'big', pipeline: [{ $project: { _id: 0, x: 1 } }] });
    expect((await run(ctx, { count: 'big' })).n).toBe(2);
    expect(await findAll(ctx, 'big', { filter: { x: 3 } })).toEqual([{ _id: 3, x: 3 }]);
    expect(await findAll(ctx, 'bigger')).toEqual([{ x: 2 }, { x: 3 }]);
    expect((await run(ctx, { distinct: 'big', key: 'x' })).values).toEqual([2, 3]);
    expect(await firstBatch(ctx, { aggregate: 'big', pipeline: [{ $group: { _id: null, s: { $sum: '$x' } } }], cursor: {} })).toEqual([{ _id: null, s: 5 }]);
    expect(await firstBatch(ctx, { aggregate: 'src', pipeline: [{ $lookup: { from: 'big', localField: '_id', foreignField: '_id', as: 'v' } }, { $match: { _id: 1 } }], cursor: {} }))
      .toEqual([{ _id: 1, x: 1, v: [] }]);
  });
});

describe('let variables', () => {
  it('are evaluated once as expressions ($literal unwrapped)', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'c', documents: [{ _id: 1 }, { _id: 2, name: 'n' }] });
    const out = await firstBatch(ctx, {
      aggregate: 'c', cursor: {},
      pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$id'] } } }, { $project: { _id: 0, x: '$$x', y: '$$y', r: '$$r' } }],
      let: { id: 1, x: 'foo', y: { $literal: '$bar' }, r: { $add: [1, 2] } },
    });
    expect(out).toEqual([{ x: 'foo', y: '$bar', r: 3 }]);
    await run(ctx, { update: 'c', updates: [{ q: { $expr: { $eq: ['$name', '$$name'] } }, u: [{ $set: { y: '$$y' } }], multi: true }], let: { name: 'n', y: { $literal: 'lit' } } });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1 }, { _id: 2, name: 'n', y: 'lit' }]);
  });
});

describe('find returnKey', () => {
  it('returns the key of the index the sort (or hint) uses, {} for a collection scan', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'c', documents: [{ _id: 1, x: 11 }, { _id: 2, x: 22 }] });
    expect(await findAll(ctx, 'c', { sort: { _id: 1 }, returnKey: true, showRecordId: true })).toEqual([{ _id: 1 }, { _id: 2 }]);
    expect(await findAll(ctx, 'c', { returnKey: true })).toEqual([{}, {}]);
    await run(ctx, { createIndexes: 'c', indexes: [{ key: { x: -1 }, name: 'x' }] });
    expect(await findAll(ctx, 'c', { hint: 'x', returnKey: true, filter: { x: 22 } })).toEqual([{ x: 22 }]);
  });
});

describe('collection options', () => {
  it('clusteredIndex is listed as stored (v: 2) and listIndexes names it', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { create: 'cl', clusteredIndex: { key: { _id: 1 }, unique: true, name: 'test index' } });
    const [info] = await firstBatch(ctx, { listCollections: 1, filter: { name: 'cl' } });
    expect((info?.options as Document).clusteredIndex).toEqual({ v: 2, key: { _id: 1 }, name: 'test index', unique: true });
    expect(await firstBatch(ctx, { listIndexes: 'cl' })).toEqual([{ v: 2, key: { _id: 1 }, name: 'test index', unique: true, clustered: true }]);
    await run(ctx, { insert: 'cl', documents: [{ _id: 1 }] });
    expect(((await run(ctx, { insert: 'cl', documents: [{ _id: 1 }] })).writeErrors as Document[])[0]?.code).toBe(11000);
    expect((await runError(ctx, { create: 'bad', clusteredIndex: { key: { x: 1 }, unique: true } })).code).toBe(72);
  });

  it('timeseries collections accept duplicate _id values', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { create: 'ts', timeseries: { timeField: 't' } });
    const reply = await run(ctx, { insert: 'ts', documents: [{ _id: 1, t: new Date(1) }, { _id: 1, t: new Date(2) }] });
    expect(reply.n).toBe(2);
    expect(await firstBatch(ctx, { listIndexes: 'ts' })).toEqual([]);
  });

  it('collMod prepareUnique rejects new duplicates; converting to unique lists the old ones', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'p', documents: [{ _id: 1, x: 1 }, { _id: 2, x: 1 }] });
    await run(ctx, { createIndexes: 'p', indexes: [{ key: { x: 1 }, name: 'x_1' }] });
    await run(ctx, { collMod: 'p', index: { keyPattern: { x: 1 }, prepareUnique: true } });
    expect(((await run(ctx, { insert: 'p', documents: [{ _id: 3, x: 1 }] })).writeErrors as Document[])[0]?.code).toBe(11000);
    expect((await run(ctx, { insert: 'p', documents: [{ _id: 4, x: 2 }] })).n).toBe(1);
    const error = await runError(ctx, { collMod: 'p', index: { keyPattern: { x: 1 }, unique: true } });
    expect(error.code).toBe(359);
    expect(error.violations).toEqual([{ ids: [1, 2] }]);
    await run(ctx, { delete: 'p', deletes: [{ q: { _id: 2 }, limit: 1 }] });
    await run(ctx, { collMod: 'p', index: { name: 'x_1', unique: true } });
    expect((await firstBatch(ctx, { listIndexes: 'p' }))[1]).toEqual({ v: 2, key: { x: 1 }, name: 'x_1', unique: true });
    expect((await runError(ctx, { collMod: 'p', index: { name: 'nope', hidden: true } })).code).toBe(27);
  });
});
