// Malformed input: garbage and mutated documents must decode exactly as bson does when bson
// accepts them, and otherwise fail with a MongoWireProtocolError (never another error, a crash or a hang).
import { deserialize as bsonDeserialize } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/bson.js';
import { MongoWireProtocolError } from '../../src/errors.js';
import { decodeCursorBatch, decodeDocument } from '../../src/wire/bson-decode/index.js';
import { documentArbitrary, expectSameAsBson, outcome, rawDocument, rawElementArbitrary } from './bson-decode-support.js';

const sameAsBson = (bytes: Uint8Array): void => expectSameAsBson(outcome(() => decodeDocument(bytes)), outcome(() => bsonDeserialize(bytes)), bytes);

const validBytes = fc.oneof(
  documentArbitrary.map((d) => Buffer.from(serialize(d))),
  fc.array(rawElementArbitrary, { maxLength: 4 }).map(rawDocument),
);

/** A byte edit of a valid document: overwrite, insert or delete bytes, or truncate. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 1, 0x7f, 0x80, 0xff)) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(bytes: Buffer, edits: { kind: 'set' | 'insert' | 'delete'; at: number; byte: number }[], fixLength: boolean): Buffer {
  let out = Buffer.from(bytes);
  for (const { kind, at, byte } of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === 'set' && out.length > 0) out[i] = byte;
    else if (kind === 'insert') out = Buffer.concat([out.subarray(0, i), Buffer.from([byte]), out.subarray(i)]);
    else if (kind === 'delete') out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
  }
  // Keeping the outer length right sends the damage past the first check, into the elements.
  if (fixLength && out.length >= 4) out.writeInt32LE(out.length, 0);
  return out;
}

describe('malformed BSON', () => {
  it('mutated valid documents: same result as bson, or our typed error where bson throws', () => {
    fc.assert(
      fc.property(validBytes, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (bytes, edits, fixLength) => sameAsBson(mutate(bytes, edits, fixLength))),
      { numRuns: 1500 },
    );
  });

  it('random garbage, with and without a plausible length prefix and terminator', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (garbage, frame) => {
        const bytes = frame ? rawDocument([Buffer.from(garbage)]) : Buffer.from(garbage);
        sameAsBson(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('cursor replies with damaged batches fail with our typed error', () => {
    fc.assert(
      fc.property(fc.array(documentArbitrary, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 2 }), (batch, edits) => {
        const bytes = mutate(Buffer.from(serialize({ cursor: { firstBatch: batch, id: 0n, ns: 'a.b' }, ok: 1 })), edits, true);
        const ours = outcome(() => decodeCursorBatch(bytes));
        if (!ours.ok) expect(ours.error).toBeInstanceOf(MongoWireProtocolError);
        if (outcome(() => bsonDeserialize(bytes)).ok === false) expect(ours.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  const element = (type: number, value: number[]): Buffer => rawDocument([Buffer.from([type, 0x61, 0, ...value])]);
  const cases: [string, Buffer, RegExp][] = [
    ['an unknown element type', element(0x20, []), /unknown BSON element type 0x20/],
    ['a boolean byte other than 0/1', element(0x08, [2]), /boolean byte 2/],
    ['a string length past the document', element(0x02, [50, 0, 0, 0, 0x61, 0]), /string length 50/],
    ['invalid UTF-8 in a string value', element(0x02, [2, 0, 0, 0, 0xff, 0]), /not valid UTF-8/],
    ['a RegExp JavaScript rejects', element(0x0b, [0x28, 0, 0]), /not a valid JavaScript RegExp/],
    ['a truncated double', element(0x01, [1, 2, 3]), /double runs past/],
    ['a negative binary length', element(0x05, [0xff, 0xff, 0xff, 0xff, 0]), /binary length -1/],
    ['trailing bytes after the document', Buffer.concat([rawDocument([]), Buffer.from([0])]), /unexpected bytes after the document/],
    ['a declared length below 5', Buffer.from([4, 0, 0, 0, 0]), /document length 4/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`names ${what}`, () => {
      expect(() => bsonDeserialize(bytes)).toThrow();
      expect(() => decodeDocument(bytes)).toThrow(MongoWireProtocolError);
      expect(() => decodeDocument(bytes)).toThrow(message);
    });
  }

  it('decodes invalid UTF-8 in field names leniently, as bson does', () => {
    const bytes = rawDocument([Buffer.from([0x10, 0xff, 0x61, 0, 1, 0, 0, 0])]);
    expect(decodeDocument(bytes)).toEqual({ '\ufffda': 1 });
    sameAsBson(bytes);
  });
});
