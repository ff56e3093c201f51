import { describe, expect, it } from 'vitest';
import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, BSONRegExp } from '../../../src/bson.js';
import { compareValues } from '../../../src/server/query/compare.js';
import { matches } from '../../../src/server/query/matcher.js';
import { sortDocuments } from '../../../src/server/query/sort.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

const oid = new ObjectId('64b7f0000000000000000001');
const ordered: Array<[string, unknown]> = [
  ['minKey', new MinKey()],
  ['null', null],
  ['number', 1],
  ['string', 'a'],
  ['object', { a: 1 }],
  ['array', [5]],
  ['binData', new Binary(Buffer.from([1]))],
  ['objectId', oid],
  ['bool', false],
  ['date', new Date(0)],
  ['timestamp', new Timestamp({ t: 1, i: 1 })],
  ['regex', new BSONRegExp('a', '')],
  ['maxKey', new MaxKey()],
];

describe('BSON order and equality', () => {
  it('orders types as MongoDB does', () => {
    for (let i = 1; i < ordered.length; i++) {
      expect(compareValues(ordered[i - 1]?.[1], ordered[i]?.[1]), `${ordered[i - 1]?.[0]} < ${ordered[i]?.[0]}`).toBe(-1);
    }
  });

  it('compares numbers by value across Int32, Long, Double, Decimal128', () => {
    expect(compareValues(new Int32(1), Long.fromNumber(1))).toBe(0);
    expect(compareValues(new Double(1), Decimal128.fromString('1.0'))).toBe(0);
    expect(compareValues(Long.fromNumber(2), 1.5)).toBe(1);
    expect(compareValues(NaN, -Infinity)).toBe(-1);
  });

  it('sorts mixed types in type order (missing with null first, arrays by element)', async () => {
    const ctx = fakeContext();
    const docs = ordered.map(([, v], i) => ({ _id: i, v }));
    await run(ctx, { insert: 'c', documents: [...docs].reverse() });
    await run(ctx, { insert: 'c', documents: [{ _id: 99 }] });
    const sorted = await findAll(ctx, 'c', { sort: { v: 1, _id: 1 } });
    expect(sorted.map((d) => d._id)).toEqual([0, 1, 99, 2, 5, 3, 4, 6, 7, 8, 9, 10, 11, 12]); // [5] sorts by its element 5
  });

  it('sorts arrays by their min element ascending and max descending', () => {
    const docs = [{ _id: 1, a: [1, 10] }, { _id: 2, a: [5] }, { _id: 3, a: 3 }];
    expect(sortDocuments(docs, { a: 1 }).map((d) => d._id)).toEqual([1, 3, 2]);
    expect(sortDocuments(docs, { a: -1 }).map((d) => d._id)).toEqual([1, 2, 3]);
  });

  it('matches numbers across types, null against missing, arrays by element', () => {
    expect(matches({ a: Long.fromNumber(1) }, { a: 1 })).toBe(true);
    expect(matches({ a: new Double(1) }, { a: new Int32(1) })).toBe(true);
    expect(matches({ a: Decimal128.fromString('2') }, { a: { $gt: 1, $lt: 3 } })).toBe(true);
    expect(matches({}, { a: null })).toBe(true);
    expect(matches({ a: 1 }, { a: null })).toBe(false);
    expect(matches({ a: [1, 2, 3] }, { a: 2 })).toBe(true);
    expect(matches({ a: [1, 2, 3] }, { a: [1, 2, 3] })).toBe(true);
    expect(matches({ a: [{ b: 1 }, { b: 2 }] }, { 'a.b': 2 })).toBe(true);
    expect(matches({ a: [{ b: 1, c: 1 }, { b: 2, c: 2 }] }, { a: { $elemMatch: { b: 1, c: 2 } } })).toBe(false);
    expect(matches({ a: 'x' }, { a: { $gt: 1 } })).toBe(false);
    expect(matches({ a: oid }, { a: new ObjectId(oid.toHexString()) })).toBe(true);
    expect(matches({ d: new Date(5) }, { d: new Date(5) })).toBe(true);
    expect(matches({ b: new Binary(Buffer.from([1, 2])) }, { b: new Binary(Buffer.from([1, 2])) })).toBe(true);
    expect(matches({ s: 'Hello' }, { s: { $regex: '^h', $options: 'i' } })).toBe(true);
    expect(matches({ a: 5 }, { $or: [{ a: 1 }, { a: { $in: [4, 5] } }] })).toBe(true);
    expect(matches({ a: [1, 2] }, { a: { $size: 2, $all: [2, 1] } })).toBe(true);
    expect(matches({ a: 1 }, { a: { $type: 'number' }, b: { $exists: false } })).toBe(true);
    expect(matches({ a: 1, b: 2 }, { $expr: { $lt: ['$a', '$b'] } })).toBe(true);
    expect(matches({ a: 1 }, { a: { $not: { $gt: 2 } } })).toBe(true);
    expect(matches({ a: 7 }, { a: { $mod: [4, 3] } })).toBe(true);
  });

  it('rejects unknown operators with BadValue', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1 }] });
    expect(await runError(ctx, { find: 'c', filter: { a: { $bogus: 1 } } })).toEqual({ ok: 0, errmsg: 'unknown operator: $bogus', code: 2, codeName: 'BadValue' });
  });

  it('find supports let variables in $expr', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, a: 1 }, { _id: 2, a: 2 }] });
    expect(await findAll(ctx, 'c', { filter: { $expr: { $eq: ['$a', '$$want'] } }, let: { want: 2 } })).toEqual([{ _id: 2, a: 2 }]);
  });

  it('projection: $slice, $elemMatch, positional, computed', async () => {
    const ctx = fakeContext();
    await run(ctx, { insert: 'c', documents: [{ _id: 1, arr: [1, 5, 9], items: [{ k: 1 }, { k: 2 }], n: 3 }] });
    expect(await findAll(ctx, 'c', { projection: { arr: { $slice: -2 }, items: 0 } })).toEqual([{ _id: 1, arr: [5, 9], n: 3 }]);
    expect(await findAll(ctx, 'c', { projection: { items: { $elemMatch: { k: 2 } } } })).toEqual([{ _id: 1, items: [{ k: 2 }] }]);
    expect(await findAll(ctx, 'c', { filter: { arr: { $gt: 4 } }, projection: { 'arr.$': 1 } })).toEqual([{ _id: 1, arr: [5] }]);
    expect(await findAll(ctx, 'c', { projection: { _id: 0, twice: { $multiply: ['$n', 2] } } })).toEqual([{ twice: 6 }]);
    expect((await runError(ctx, { find: 'c', projection: { a: 1, b: 0 } })).code).toBe(31254);
  });
});
