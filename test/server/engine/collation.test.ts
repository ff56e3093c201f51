import { describe, expect, it } from 'vitest';
import type { Document } from '../../../src/bson.js';
import { collatorFor } from '../../../src/server/query/collation.js';
import { compareValues } from '../../../src/server/query/compare.js';
import { compileFilter } from '../../../src/server/query/matcher.js';
import { sortDocuments } from '../../../src/server/query/sort.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

const caseInsensitive = { locale: 'en_US', strength: 2 };
const baseOnly = { locale: 'en_US', strength: 1 };

async function seeded(): Promise<ReturnType<typeof fakeContext>> {
  const ctx = fakeContext('db');
  await run(ctx, { insert: 'c', documents: [{ _id: 1, x: 11 }, { _id: 2, x: 'ping' }, { _id: 3, x: 'pINg' }, { _id: 4, x: 'café' }] });
  return ctx;
}

describe('collation', () => {
  it('maps strength to case / diacritic sensitivity', () => {
    const two = collatorFor(caseInsensitive);
    const one = collatorFor(baseOnly);
    expect(two?.('PING', 'ping')).toBe(0);
    expect(two?.('cafe', 'café')).not.toBe(0);
    expect(one?.('CAFE', 'café')).toBe(0);
    expect(collatorFor({ locale: 'en_US' })?.('a', 'A')).not.toBe(0);
    expect(collatorFor({ locale: 'simple' })).toBeUndefined();
    expect(collatorFor(undefined)).toBeUndefined();
    expect(collatorFor({ locale: 'en', numericOrdering: true })?.('10', '9')).toBe(1);
    expect(() => collatorFor({ strength: 2 })).toThrow(/locale/);
    expect(() => collatorFor({ locale: 'en', strength: 9 })).toThrow(/strength/);
  });

  it('applies to nested strings in comparisons, filters and sorts', () => {
    const collator = collatorFor(caseInsensitive);
    expect(compareValues({ a: ['X'] }, { a: ['x'] }, collator)).toBe(0);
    expect(compareValues({ a: ['X'] }, { a: ['x'] })).not.toBe(0);
    expect(compileFilter({ x: { $in: ['PING'] } }, { collation: caseInsensitive })({ x: 'ping' })).toBe(true);
    expect(compileFilter({ x: { $gte: 'B' } }, { collation: caseInsensitive })({ x: 'b' })).toBe(true);
    expect(compileFilter({ x: 'PING' })({ x: 'ping' })).toBe(false);
    expect(sortDocuments([{ s: 'b' }, { s: 'B' }, { s: 'a' }], { s: 1 }, caseInsensitive).map((d) => d.s)).toEqual(['a', 'b', 'B']);
    expect(sortDocuments([{ s: 'b' }, { s: 'a' }, { s: 'B' }], { s: 1 }).map((d) => d.s)).toEqual(['B', 'a', 'b']);
  });

  it('is honoured by find, count, distinct, aggregate, update, delete and findAndModify', async () => {
    const ctx = await seeded();
    expect(await findAll(ctx, 'c', { filter: { x: 'PING' }, collation: caseInsensitive })).toEqual([{ _id: 2, x: 'ping' }, { _id: 3, x: 'pINg' }]);
    expect(await findAll(ctx, 'c', { filter: { x: 'PING' } })).toEqual([]);
    expect((await run(ctx, { count: 'c', query: { x: 'CAFE' }, collation: baseOnly })).n).toBe(1);
    expect((await run(ctx, { distinct: 'c', key: 'x', collation: caseInsensitive })).values).toEqual([11, 'ping', 'café']);
    const agg = await run(ctx, { aggregate: 'c', pipeline: [{ $match: { x: 'PING' } }, { $count: 'n' }], cursor: {}, collation: caseInsensitive });
    expect((agg.cursor as Document).firstBatch).toEqual([{ n: 2 }]);
    const fam = await run(ctx, { findAndModify: 'c', query: { x: 'PING' }, sort: { _id: -1 }, update: { $set: { y: 1 } }, new: true, collation: caseInsensitive });
    expect(fam.value).toEqual({ _id: 3, x: 'pINg', y: 1 });
    expect((await run(ctx, { update: 'c', updates: [{ q: { x: 'PING' }, u: { $set: { z: 1 } }, multi: true, collation: caseInsensitive }] })).nModified).toBe(2);
    expect((await run(ctx, { delete: 'c', deletes: [{ q: { x: 'PING' }, limit: 0, collation: caseInsensitive }] })).n).toBe(2);
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1, x: 11 }, { _id: 4, x: 'café' }]);
  });

  it('uses the collection default collation from create', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { create: 'ci', collation: caseInsensitive });
    await run(ctx, { insert: 'ci', documents: [{ _id: 1, x: 'Ab' }] });
    expect(await findAll(ctx, 'ci', { filter: { x: 'aB' } })).toEqual([{ _id: 1, x: 'Ab' }]);
    expect(await findAll(ctx, 'ci', { filter: { x: 'aB' }, collation: { locale: 'simple' } })).toEqual([]);
  });

  it('rejects a malformed collation', async () => {
    const ctx = await seeded();
    expect((await runError(ctx, { find: 'c', filter: { x: 'a' }, collation: { strength: 1 } })).ok).toBe(0);
  });
});
