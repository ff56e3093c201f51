// isStorableAsIs: a document it accepts must deserialize (as a server decodes commands) and
// serialize back to the very same bytes; and everyday documents must be accepted.
import { deserialize as bsonDeserialize, serialize as bsonSerialize } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Binary, Decimal128, Double, Int32, Long, ObjectId, serialize, Timestamp } from '../../src/bson.js';
import { isStorableAsIs } from '../../src/wire/bson-inspect.js';
import { documentArbitrary, rawDocument, rawElementArbitrary } from './bson-decode-support.js';

const SERVER_OPTIONS = { promoteValues: false, bsonRegExp: true } as const;

/** The property: accepted bytes survive bson's round trip unchanged. */
function checkAccepted(bytes: Uint8Array): void {
  if (!isStorableAsIs(bytes)) return;
  const decoded = bsonDeserialize(bytes, SERVER_OPTIONS);
  expect(Buffer.from(bsonSerialize(decoded)).equals(Buffer.from(bytes))).toBe(true);
}

const edit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('set', 'insert', 'delete') });

function mutate(bytes: Buffer, edits: Array<{ at: number; byte: number; kind: string }>): Buffer {
  let out = Buffer.from(bytes);
  for (const { at, byte, kind } of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 'set' && out.length > 0) out[i] = byte;
    else if (kind === 'insert') out = Buffer.concat([out.subarray(0, i), Buffer.from([byte]), out.subarray(i)]);
    else if (kind === 'delete') out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
  }
  if (out.length >= 4) out.writeInt32LE(out.length, 0);
  return out;
}

const validBytes = fc.oneof(
  documentArbitrary.map((d) => Buffer.from(serialize(d))),
  fc.array(rawElementArbitrary, { maxLength: 4 }).map(rawDocument),
);

describe('isStorableAsIs', () => {
  it('accepted documents round-trip through bson byte for byte', () => {
    fc.assert(fc.property(validBytes, (bytes) => checkAccepted(bytes)), { numRuns: 2000 });
  });

  it('accepted damaged documents still deserialize and round-trip (so bson never had an error to report)', () => {
    fc.assert(fc.property(validBytes, fc.array(edit, { minLength: 1, maxLength: 3 }), (bytes, edits) => checkAccepted(mutate(bytes, edits))), { numRuns: 3000 });
  });

  it('accepts everyday documents of every common type', () => {
    const doc = {
      _id: new ObjectId(),
      s: 'text',
      u: 'é𝄞 unicode',
      i: 1,
      d: 1.5,
      i32: new Int32(3),
      dbl: new Double(2),
      l: Long.fromNumber(5),
      t: new Timestamp({ t: 1, i: 2 }),
      b: true,
      n: null,
      date: new Date(0),
      bin: new Binary(Buffer.from([1, 2, 3])),
      dec: Decimal128.fromString('1.5'),
      nested: { a: [1, { b: 'c' }, [2, 3]], empty: {} },
      list: Array.from({ length: 12 }, (_, k) => k),
    };
    const bytes = serialize(doc);
    expect(isStorableAsIs(bytes)).toBe(true);
    checkAccepted(bytes);
    const wide = Object.fromEntries(Array.from({ length: 500 }, (_, k) => [`field${k}`, k]));
    expect(isStorableAsIs(serialize(wide))).toBe(true);
  });

  it('refuses what a round trip would change or bson would reject', () => {
    const key = (name: string, type: number, value: number[]): Buffer => Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`), Buffer.from(value)]);
    const int32 = (name: string, n: number): Buffer => key(name, 0x10, [n, 0, 0, 0]);
    expect(isStorableAsIs(rawDocument([int32('a', 1), int32('a', 2)]))).toBe(false); // duplicate key
    expect(isStorableAsIs(rawDocument([int32('$set', 1)]))).toBe(false);
    expect(isStorableAsIs(rawDocument([key('u', 0x06, [])]))).toBe(false); // undefined
    expect(isStorableAsIs(rawDocument([key('b', 0x08, [2])]))).toBe(false); // bad boolean
    expect(isStorableAsIs(rawDocument([Buffer.concat([Buffer.from([0x04]), Buffer.from('a\0'), rawDocument([int32('1', 1)])])]))).toBe(false); // array key out of order
    expect(isStorableAsIs(rawDocument([key('s', 0x02, [2, 0, 0, 0, 0xc3, 0])]))).toBe(false); // invalid UTF-8
    expect(isStorableAsIs(rawDocument([key('r', 0x0b, [0x61, 0, 0x6d, 0x69, 0])]))).toBe(false); // options "mi" bson reorders
    const many = Array.from({ length: 100 }, (_, k) => int32(`k${k}`, k));
    expect(isStorableAsIs(rawDocument(many))).toBe(true);
    expect(isStorableAsIs(rawDocument([...many, int32('k7', 0)]))).toBe(false);
  });

  it('wide documents: 32-bit key hash collisions are told apart from duplicate keys', () => {
    // 120,000 keys: some FNV-1a hashes certainly collide.
    const wide = Object.fromEntries(Array.from({ length: 120_000 }, (_, k) => [`f${k.toString(36)}`, k]));
    const bytes = serialize(wide);
    expect(isStorableAsIs(bytes)).toBe(true);
    const duplicated = Buffer.concat([bytes.subarray(0, bytes.length - 1), Buffer.from([0x10]), Buffer.from('f2s\0'), Buffer.from([1, 0, 0, 0, 0])]);
    duplicated.writeInt32LE(duplicated.length, 0);
    expect(isStorableAsIs(duplicated)).toBe(false);
  });
});
