import { describe, expect, it } from 'vitest';
import type { Document } from '../../../src/bson.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

async function agg(ctx: ReturnType<typeof fakeContext>, coll: string | number, pipeline: Document[], extra: Document = {}): Promise<Document[]> {
  const reply = await run(ctx, { aggregate: coll, pipeline, cursor: {}, ...extra });
  return (reply.cursor as Document).firstBatch as Document[];
}

async function seeded(): Promise<ReturnType<typeof fakeContext>> {
  const ctx = fakeContext('db');
  await run(ctx, { insert: 'sales', documents: [
    { _id: 1, item: 'a', qty: 2, price: 10, tags: ['x', 'y'] },
    { _id: 2, item: 'b', qty: 1, price: 20, tags: ['y'] },
    { _id: 3, item: 'a', qty: 5, price: 10, tags: [] },
  ] });
  await run(ctx, { insert: 'items', documents: [{ _id: 'a', name: 'Apple' }, { _id: 'b', name: 'Banana' }] });
  return ctx;
}

describe('aggregate', () => {
  it('$match $group (accumulators) $sort', async () => {
    const ctx = await seeded();
    expect(await agg(ctx, 'sales', [
      { $match: { qty: { $gte: 1 } } },
      { $group: { _id: '$item', total: { $sum: '$qty' }, avg: { $avg: '$qty' }, min: { $min: '$qty' }, max: { $max: '$qty' }, first: { $first: '$_id' }, last: { $last: '$_id' }, ids: { $push: '$_id' }, prices: { $addToSet: '$price' }, count: { $count: {} } } },
      { $sort: { _id: 1 } },
    ])).toEqual([
      { _id: 'a', total: 7, avg: 3.5, min: 2, max: 5, first: 1, last: 3, ids: [1, 3], prices: [10], count: 2 },
      { _id: 'b', total: 1, avg: 1, min: 1, max: 1, first: 2, last: 2, ids: [2], prices: [20], count: 1 },
    ]);
  });

  it('$project $addFields $set $unset $skip $limit $count $unwind', async () => {
    const ctx = await seeded();
    expect(await agg(ctx, 'sales', [{ $project: { item: 1, total: { $multiply: ['$qty', '$price'] } } }, { $skip: 1 }, { $limit: 1 }]))
      .toEqual([{ _id: 2, item: 'b', total: 20 }]);
    expect(await agg(ctx, 'sales', [{ $addFields: { k: 1 } }, { $set: { j: 2 } }, { $unset: ['tags', 'price', 'qty', 'item'] }, { $limit: 1 }]))
      .toEqual([{ _id: 1, k: 1, j: 2 }]);
    expect(await agg(ctx, 'sales', [{ $unwind: '$tags' }, { $count: 'n' }])).toEqual([{ n: 3 }]);
  });

  it('$lookup $replaceRoot $replaceWith $sortByCount $facet', async () => {
    const ctx = await seeded();
    expect(await agg(ctx, 'sales', [{ $match: { _id: 2 } }, { $lookup: { from: 'items', localField: 'item', foreignField: '_id', as: 'info' } }, { $project: { info: 1 } }]))
      .toEqual([{ _id: 2, info: [{ _id: 'b', name: 'Banana' }] }]);
    expect(await agg(ctx, 'sales', [{ $match: { _id: 1 } }, { $lookup: { from: 'items', let: { it: '$item' }, pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$it'] } } }], as: 'info' } }, { $replaceRoot: { newRoot: { $first: '$info' } } }]))
      .toEqual([{ _id: 'a', name: 'Apple' }]);
    expect(await agg(ctx, 'sales', [{ $replaceWith: { i: '$item' } }, { $limit: 1 }])).toEqual([{ i: 'a' }]);
    expect(await agg(ctx, 'sales', [{ $sortByCount: '$item' }])).toEqual([{ _id: 'a', count: 2 }, { _id: 'b', count: 1 }]);
    expect(await agg(ctx, 'sales', [{ $facet: { n: [{ $count: 'c' }], top: [{ $sort: { qty: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } }]))
      .toEqual([{ n: [{ c: 3 }], top: [{ _id: 3 }] }]);
  });

  it('$out and $merge write collections', async () => {
    const ctx = await seeded();
    expect(await agg(ctx, 'sales', [{ $match: { item: 'a' } }, { $project: { qty: 1 } }, { $out: 'out' }])).toEqual([]);
    expect(await findAll(ctx, 'out')).toEqual([{ _id: 1, qty: 2 }, { _id: 3, qty: 5 }]);
    await agg(ctx, 'sales', [{ $project: { price: 1 } }, { $merge: { into: 'out' } }]);
    expect(await findAll(ctx, 'out')).toEqual([{ _id: 1, qty: 2, price: 10 }, { _id: 3, qty: 5, price: 10 }, { _id: 2, price: 20 }]);
    expect((await runError(ctx, { aggregate: 'sales', pipeline: [{ $out: 'x' }, { $match: {} }], cursor: {} })).code).toBe(40601);
  });

  it('database-level aggregate with $documents; errors', async () => {
    const ctx = fakeContext('db');
    const reply = await run(ctx, { aggregate: 1, pipeline: [{ $documents: [{ x: 1 }, { x: 2 }] }, { $match: { x: 2 } }], cursor: {} });
    expect(reply.cursor).toEqual({ firstBatch: [{ x: 2 }], id: 0n, ns: 'db.$cmd.aggregate' });
    expect(await runError(ctx, { aggregate: 'c', pipeline: [{ $bogus: 1 }], cursor: {} }))
      .toEqual({ ok: 0, errmsg: "Unrecognized pipeline stage name: '$bogus'", code: 40324, codeName: 'Location40324' });
    expect((await runError(ctx, { aggregate: 'c', pipeline: [] })).code).toBe(9);
    expect(await agg(ctx, 'missing', [{ $match: {} }])).toEqual([]);
  });
});
