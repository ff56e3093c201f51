import { describe, expect, it } from 'vitest';
import { Double, Long } from '../../../src/bson.js';
import type { Document } from '../../../src/bson.js';
import { applyUpdate } from '../../../src/server/query/update.js';
import { compileFilter } from '../../../src/server/query/matcher.js';
import { CommandError } from '../../../src/server/command-error.js';
import { fakeContext, runError } from './fake-context.js';

function upd(doc: Document, update: Document, options: Parameters<typeof applyUpdate>[2] = {}): Document {
  return applyUpdate(doc, update, options).doc;
}

function errorOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return { code: e.code, message: e.message };
  }
  throw new Error('expected a CommandError');
}

describe('update operators', () => {
  it('$set/$unset/$inc/$mul/$min/$max/$rename', () => {
    expect(upd({ _id: 1, a: 1, b: 2, c: 5 }, { $set: { 'x.y': 1 }, $unset: { b: '' }, $inc: { a: 2 }, $mul: { c: 2, m: 3 } }))
      .toEqual({ _id: 1, a: 3, c: 10, x: { y: 1 }, m: 0 });
    expect(upd({ _id: 1, a: 5, b: 5 }, { $min: { a: 3 }, $max: { b: 3, c: 1 } })).toEqual({ _id: 1, a: 3, b: 5, c: 1 });
    expect(upd({ _id: 1, a: 1 }, { $rename: { a: 'z.b' } })).toEqual({ _id: 1, z: { b: 1 } });
  });

  it('$inc keeps numeric types and widens int32 overflow to long', () => {
    expect(upd({ _id: 1, a: Long.fromNumber(1) }, { $inc: { a: 1 } }).a).toEqual(Long.fromNumber(2));
    expect(upd({ _id: 1, a: 2147483647 }, { $inc: { a: 1 } }).a).toEqual(Long.fromNumber(2147483648));
    expect(upd({ _id: 1, a: 1 }, { $inc: { a: new Double(1) } }).a).toEqual(new Double(2));
    expect(errorOf(() => upd({ _id: 1, a: 'x' }, { $inc: { a: 1 } })).code).toBe(14);
  });

  it('$push with $each/$slice/$sort/$position, $addToSet, $pop, $pull, $pullAll', () => {
    expect(upd({ _id: 1, a: [3, 1] }, { $push: { a: { $each: [2, 5], $sort: 1, $slice: 3 } } }).a).toEqual([1, 2, 3]);
    expect(upd({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [0], $position: 0 } } }).a).toEqual([0, 1, 2]);
    expect(upd({ _id: 1 }, { $push: { a: 1 } }).a).toEqual([1]);
    expect(upd({ _id: 1, a: [1, 2] }, { $addToSet: { a: { $each: [2, 3, 3] } } }).a).toEqual([1, 2, 3]);
    expect(upd({ _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }).a).toEqual([2, 3]);
    expect(upd({ _id: 1, a: [1, 5, 7, 2] }, { $pull: { a: { $gte: 5 } } }).a).toEqual([1, 2]);
    expect(upd({ _id: 1, a: [{ k: 1 }, { k: 2 }] }, { $pull: { a: { k: 2 } } }).a).toEqual([{ k: 1 }]);
    expect(upd({ _id: 1, a: [1, 2, 3, 1] }, { $pullAll: { a: [1, 3] } }).a).toEqual([2]);
    expect(errorOf(() => upd({ _id: 1, a: 1 }, { $push: { a: 1 } })).code).toBe(2);
  });

  it('positional $, $[] and $[id] with arrayFilters', () => {
    const query = compileFilter({ 'grades.score': { $gt: 80 } });
    const doc = { _id: 1, grades: [{ score: 70 }, { score: 90 }, { score: 95 }] };
    expect(upd(doc, { $set: { 'grades.$.ok': true } }, { query }).grades).toEqual([{ score: 70 }, { score: 90, ok: true }, { score: 95 }]);
    expect(upd({ _id: 1, a: [1, 2] }, { $inc: { 'a.$[]': 10 } }).a).toEqual([11, 12]);
    expect(upd(doc, { $set: { 'grades.$[g].hi': 1 } }, { arrayFilters: [{ 'g.score': { $gte: 90 } }] }).grades)
      .toEqual([{ score: 70 }, { score: 90, hi: 1 }, { score: 95, hi: 1 }]);
    expect(upd({ _id: 1, a: [1, 5, 9] }, { $set: { 'a.$[x]': 0 } }, { arrayFilters: [{ x: { $gt: 4 } }] }).a).toEqual([1, 0, 0]);
    expect(errorOf(() => upd({ _id: 1, a: [1] }, { $set: { 'a.$[x]': 0 } })).code).toBe(2);
    expect(errorOf(() => upd({ _id: 1, a: [1] }, { $set: { a: 0 } }, { arrayFilters: [{ x: 1 }] })).code).toBe(9);
  });

  it('conflicting paths and immutable _id', () => {
    expect(errorOf(() => upd({ _id: 1 }, { $set: { a: 1 }, $inc: { 'a.b': 1 } })))
      .toEqual({ code: 40, message: "Updating the path 'a.b' would create a conflict at 'a'" });
    expect(errorOf(() => upd({ _id: 1 }, { $set: { _id: 2 } })).code).toBe(66);
    expect(errorOf(() => upd({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } })).code).toBe(28);
  });

  it('$setOnInsert applies only on insert; modified flag', () => {
    expect(upd({ _id: 1 }, { $setOnInsert: { a: 1 } })).toEqual({ _id: 1 });
    expect(upd({ _id: 1 }, { $setOnInsert: { a: 1 } }, { isInsert: true })).toEqual({ _id: 1, a: 1 });
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified).toBe(false);
  });
});

describe('update pipelines are validated before matching', () => {
  it('fails the whole command for an unknown stage, even when no document matches', async () => {
    const reply = await runError(fakeContext(), { update: 'none', updates: [{ q: { x: 1 }, u: [{ $invalidOperator: true }] }] });
    expect(reply).toMatchObject({ ok: 0, code: 40324, codeName: 'Location40324' });
  });

  it('fails the whole command for a stage that is not allowed in an update', async () => {
    const reply = await runError(fakeContext(), { update: 'none', updates: [{ q: {}, u: [{ $match: { a: 1 } }] }] });
    expect(reply).toMatchObject({ ok: 0, code: 72, codeName: 'InvalidOptions' });
  });
});
