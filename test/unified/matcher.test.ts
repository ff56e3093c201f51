import { describe, expect, it } from 'vitest';
import { Binary, Decimal128, Double, Int32, Long, ObjectId } from '../../src/bson.js';
import type { Document } from '../../src/bson.js';
import { assertMatches, matchFailure, type MatchContext } from './matcher.js';

const oid = new ObjectId('0123456789abcdef01234567');
const lsid = { id: new Binary(Buffer.alloc(16, 7), 4) };
const ctx: MatchContext = {
  entity: (name) => {
    if (name === 'oid0') return oid;
    if (name === 'doc0') return { a: 1 };
    throw new Error(`entity "${name}" is not defined`);
  },
  sessionLsid: (name) => {
    if (name === 'session0') return lsid;
    throw new Error(`session entity "${name}" is not defined`);
  },
};
const ok = (expected: unknown, actual: unknown, root = true): void => expect(matchFailure(expected, actual, { context: ctx, root })).toBeUndefined();
const fails = (expected: unknown, actual: unknown, pattern?: RegExp): void => {
  const failure = matchFailure(expected, actual, { context: ctx });
  expect(failure).toBeDefined();
  if (pattern) expect(failure).toMatch(pattern);
};

describe('matcher: documents and arrays', () => {
  it('allows extra fields at the root only', () => {
    ok({ x: 1 }, { x: 1, y: 1 });
    fails({ x: 1, y: 1 }, { x: 1 }, /\$\.y to exist/);
    fails({ x: { y: 1 } }, { x: { y: 1, z: 1 } }, /\$\.x to have no fields besides \[y\] but it also has \[z\]/);
    expect(matchFailure({ x: 1 }, { x: 1, y: 2 }, { root: false })).toMatch(/also has \[y\]/);
  });
  it('ignores key order', () => ok({ x: 1, y: 1 }, { y: 1, x: 1 }));
  it('requires arrays of the same length', () => {
    ok([1, 2, 3], [1, 2, 3]);
    fails([1, 2, 3], [1, 2, 3, 4], /to have 3 elements but it has 4/);
    fails([1, 2], 5, /to be an array/);
  });
  it('treats array elements as nested unless they are iterated root documents', () => {
    const expected = [{ x: 1 }, { x: 2 }];
    const actual = [{ x: 1, y: 1 }, { x: 2, y: 2 }];
    expect(matchFailure(expected, actual)).toMatch(/\$\[0\] to have no fields/);
    expect(matchFailure(expected, actual, { rootElements: true })).toBeUndefined();
  });
  it('names the failing path', () => {
    fails({ cursor: { firstBatch: [{ x: 2 }] } }, { cursor: { firstBatch: [{ x: 3 }] } }, /expected \$\.cursor\.firstBatch\[0\]\.x to be 2 but was 3/);
  });
  it('compares numbers across int, long and double', () => {
    ok({ n: 1 }, { n: new Long(1) });
    ok({ n: new Int32(1) }, { n: new Double(1.0) });
    ok({ n: new Long(5) }, { n: 5 });
    fails({ n: 1 }, { n: 1.5 });
    fails({ n: 1 }, { n: '1' });
    fails({ n: new Decimal128('1') }, { n: 1 });
  });
  it('compares other BSON values by value', () => {
    ok({ _id: new ObjectId(oid.toHexString()) }, { _id: oid });
    fails({ _id: new ObjectId() }, { _id: oid });
    ok({ d: new Date(5) }, { d: new Date(5) });
    fails({ d: new Date(5) }, { d: new Date(6) });
    ok({ b: new Binary(Buffer.from('ab'), 0) }, { b: new Binary(Buffer.from('ab'), 0) });
    fails({ b: new Binary(Buffer.from('ab'), 0) }, { b: new Binary(Buffer.from('ab'), 4) });
    fails({ s: null }, { s: 'x' });
    ok({ s: null }, { s: null });
  });
});

describe('matcher: special operators', () => {
  it('$$exists', () => {
    ok({ a: { $$exists: true } }, { a: null });
    ok({ a: { $$exists: false } }, { b: 1 });
    fails({ a: { $$exists: true } }, { b: 1 }, /\$\.a to exist/);
    fails({ a: { $$exists: false } }, { a: 1 }, /\$\.a to be unset/);
    // As the operand of $$unsetOrMatches (change-streams tests): unset passes, set must satisfy $$exists.
    ok({ a: { $$unsetOrMatches: { $$exists: true } } }, { b: 1 });
    ok({ a: { $$unsetOrMatches: { $$exists: true } } }, { a: 0 });
    fails({ a: { $$unsetOrMatches: { $$exists: false } } }, { a: 0 }, /\$\.a to be unset/);
  });
  it('$$type with single names, arrays and the number alias', () => {
    ok({ a: { $$type: 'string' } }, { a: 'x' });
    ok({ a: { $$type: ['int', 'long'] } }, { a: new Long(3) });
    ok({ a: { $$type: 'number' } }, { a: new Double(1.5) });
    ok({ a: { $$type: 'number' } }, { a: new Decimal128('1.5') });
    ok({ a: { $$type: 'objectId' } }, { a: oid });
    ok({ a: { $$type: 'array' } }, { a: [1, 'x'] });
    ok({ $$type: 'object' }, { any: 1 });
    fails({ a: { $$type: 'string' } }, { a: 1 }, /\$\.a to have type string/);
    fails({ a: { $$type: 'number' } }, { a: 'x' });
    fails({ a: { $$type: 'int' } }, {}, /\$\.a to exist/);
    fails({ a: { $$type: 'long' } }, { a: 1.5 });
  });
  it('$$matchesEntity', () => {
    ok({ _id: { $$matchesEntity: 'oid0' } }, { _id: oid });
    fails({ _id: { $$matchesEntity: 'oid0' } }, { _id: new ObjectId() });
    expect(() => assertMatches({ _id: { $$matchesEntity: 'nope' } }, { _id: 1 }, { context: ctx })).toThrow(/not defined/);
  });
  it('$$matchesHexBytes', () => {
    ok({ $$matchesHexBytes: '12AB' }, Buffer.from([0x12, 0xab]));
    ok({ $$matchesHexBytes: '' }, new Uint8Array());
    fails({ $$matchesHexBytes: '12ab' }, Buffer.from([0x12]), /bytes 12ab but was 12/);
    expect(() => assertMatches({ $$matchesHexBytes: '123' }, Buffer.from([1]))).toThrow(/even-length hex/);
  });
  it('$$unsetOrMatches', () => {
    ok({ insertedId: { $$unsetOrMatches: 2 } }, {});
    ok({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 2 });
    fails({ insertedId: { $$unsetOrMatches: 2 } }, { insertedId: 3 });
    ok({ $$unsetOrMatches: { insertedId: 2 } }, undefined);
    ok({ $$unsetOrMatches: { insertedId: 2 } }, { insertedId: 2, extra: 1 });
    fails({ a: { $$unsetOrMatches: { b: 1 } } }, { a: { b: 1, c: 2 } }, /also has \[c\]/);
  });
  it('$$sessionLsid', () => {
    ok({ lsid: { $$sessionLsid: 'session0' } }, { lsid: { id: new Binary(Buffer.alloc(16, 7), 4) } });
    fails({ lsid: { $$sessionLsid: 'session0' } }, { lsid: { id: new Binary(Buffer.alloc(16, 8), 4) } });
    expect(() => assertMatches({ lsid: { $$sessionLsid: 'x' } }, { lsid: {} }, { context: ctx })).toThrow(/not defined/);
  });
  it('$$lte', () => {
    ok({ n: { $$lte: 5 } }, { n: 5 });
    ok({ n: { $$lte: 1 } }, { n: new Double(0) });
    ok({ n: { $$lte: new Long(10) } }, { n: new Int32(3) });
    fails({ n: { $$lte: 1 } }, { n: 1.1 }, /<= 1/);
    fails({ n: { $$lte: 1 } }, { n: 'x' });
  });
  it('$$matchAsDocument', () => {
    ok({ c: { $$matchAsDocument: { x: 1 } } }, { c: '{"x": {"$numberInt": "1"}}' });
    fails({ c: { $$matchAsDocument: { x: 1 } } }, { c: '{"x": 1, "y": 2}' }, /also has \[y\]/);
    fails({ c: { $$matchAsDocument: { x: 1 } } }, { c: 5 }, /Extended JSON string/);
    ok({ c: { $$matchAsDocument: { $$matchAsRoot: { x: 1 } } } }, { c: '{"x": 1, "y": 2}' });
  });
  it('$$matchAsRoot', () => {
    ok({ a: { $$matchAsRoot: { x: 1 } } }, { a: { x: 1, y: 2 } });
    fails({ a: { $$matchAsRoot: { x: 1, z: 1 } } }, { a: { x: 1, y: 2 } }, /\$\.a\.z to exist/);
    fails({ a: { $$matchAsRoot: { b: { x: 1 } } } }, { a: { b: { x: 1, y: 2 } } }, /\$\.a\.b to have no fields/);
  });
  it('rejects unknown operators', () => {
    expect(() => assertMatches({ $$nope: 1 }, 1)).toThrow(/unknown special operator \$\$nope/);
  });
  it('operators nest inside arrays and documents', () => {
    const expected: Document = { cursor: { firstBatch: [{ _id: { $$type: 'int' }, s: { $$exists: true } }], id: { $$type: ['int', 'long'] } } };
    ok(expected, { cursor: { firstBatch: [{ _id: 1, s: 'x' }], id: new Long(0) } });
    fails(expected, { cursor: { firstBatch: [{ _id: 'a', s: 'x' }], id: 0 } }, /\$\.cursor\.firstBatch\[0\]\._id/);
  });
});
