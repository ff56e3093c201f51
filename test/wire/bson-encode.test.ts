import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, UUID, serialize, type Document } from '../../src/bson.js';
import { encodePlainDocument } from '../../src/wire/bson-encode/index.js';
import { MessageWriter } from '../../src/wire/writer.js';

/** Encodes after a few bytes of prefix, in a tiny writer (so growth happens mid-document). */
function fastEncode(document: Document, ignoreUndefined: boolean): Buffer | undefined {
  const writer = new MessageWriter(8);
  writer.bytes(Uint8Array.of(0xaa, 0xbb, 0xcc));
  const handled = encodePlainDocument(writer, document, ignoreUndefined);
  expect(writer.buffer.subarray(0, 3)).toEqual(Buffer.from([0xaa, 0xbb, 0xcc]));
  if (!handled) {
    expect(writer.length).toBe(3);
    return undefined;
  }
  return Buffer.from(writer.buffer.subarray(3, writer.length));
}

function expectSameAsBson(document: Document, ignoreUndefined = false): boolean {
  const fast = fastEncode(document, ignoreUndefined);
  if (fast === undefined) return false;
  expect(fast).toEqual(Buffer.from(serialize(document, { ignoreUndefined })));
  return true;
}

describe('fast BSON encoder', () => {
  it('writes what bson writes for the common value types', () => {
    const doc = {
      _id: new ObjectId(),
      s: 'plain', empty: '', unicode: 'héllo wörld ✓ 𝄞', lone: 'a\uD800b', long: 'x'.repeat(200), nul: 'a\0b',
      i: 42, neg: -7, max: 2147483647, min: -2147483648, over: 2147483648, under: -2147483649, big: 2 ** 60,
      zero: 0, negZero: -0, frac: 0.5, nan: NaN, inf: Infinity, ninf: -Infinity,
      t: true, f: false, n: null,
      when: new Date(1_700_000_000_123), before1970: new Date(-86_400_001),
      nested: { a: { b: { c: [1, 'two', { three: 3 }] } } }, arr: [], holes: new Array<unknown>(3).fill(1, 0, 1), nullProto: Object.assign(Object.create(null) as Document, { k: 1 }),
      'ключ': 1, ['k'.repeat(60)]: 'long key',
      int64: Long.fromString('-9007199254740993'), ts: new Timestamp({ t: 1_700_000_000, i: 7 }), int32: new Int32(-5), double: new Double(3),
      uuid: new UUID(), bin: new Binary(Buffer.from('x'.repeat(40)), 0), emptyBin: new Binary(), userBin: new Binary(Buffer.from('ab'), 0x80),
      lsid: { id: new UUID() }, $clusterTime: { clusterTime: new Timestamp({ t: 1, i: 1 }), signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) } },
    };
    expect(expectSameAsBson(doc)).toBe(true);
    expect(expectSameAsBson(doc, true)).toBe(true);
  });

  it('follows ignoreUndefined for fields but always writes null in arrays; skips functions and symbols', () => {
    const doc = { a: undefined, b: [undefined, 1], f: () => 1, s: Symbol('x'), z: 1 };
    expect(expectSameAsBson(doc, false)).toBe(true);
    expect(expectSameAsBson(doc, true)).toBe(true);
  });

  it('leaves to bson what it does not handle', () => {
    const circular: Document = { a: 1 };
    circular.self = circular;
    let deep: Document = { leaf: 1 };
    for (let i = 0; i < 150; i++) deep = { d: deep };
    const others: Document[] = [
      { d: Decimal128.fromString('1.5') }, { b: new Binary(Buffer.from('ab'), Binary.SUBTYPE_BYTE_ARRAY) }, { u: Buffer.from('ab') },
      { m: new Map([['a', 1]]) }, { r: /x/i }, { big: 5n }, { c: new (class Point { x = 1; })() }, { t: { toBSON: () => ({ a: 1 }) } },
      { bad: new Date(NaN) }, { 'a\0b': 1 }, { 'a\0b': undefined }, { fake: { _bsontype: 'ObjectId' } }, circular, deep,
    ];
    for (const doc of others) expect(fastEncode(doc, false)).toBeUndefined();
    expect(fastEncode(new Map([['a', 1]]) as unknown as Document, false)).toBeUndefined();
  });

  it('property: any JSON-like document encodes exactly as bson does', () => {
    const key = fc.string({ unit: 'binary' }).map((k) => k.replace(/\0/g, ''));
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(
        fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined),
        fc.date({ noInvalidDate: true }), fc.constant(new ObjectId()),
      ),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, value.node, { maxKeys: 8 }), fc.boolean(), (doc, ignoreUndefined) => {
        expect(expectSameAsBson(doc, ignoreUndefined)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
