// The fast decoder against bson's own deserialize (the oracle) on random documents of every
// BSON type, raw elements serialize never writes, cursor replies, and deep nesting.
import { deserialize as bsonDeserialize } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DBRef, Long, serialize, UUID, Binary, type Document } from '../../src/bson.js';
import { MongoWireProtocolError } from '../../src/errors.js';
import { decodeCursorBatch, decodeDocument, decodeDocumentSequence } from '../../src/wire/bson-decode/index.js';
import { documentArbitrary, documentFrom, expectSameAsBson, outcome, rawDocument, rawElementArbitrary, strictDifference } from './bson-decode-support.js';

const sameAsBson = (bytes: Uint8Array): void => expectSameAsBson(outcome(() => decodeDocument(bytes)), outcome(() => bsonDeserialize(bytes)), bytes);

describe('decodeDocument gives exactly what bson.deserialize gives', () => {
  it('for random documents of every BSON type', () => {
    fc.assert(
      fc.property(documentArbitrary, (document) => {
        const bytes = serialize(document);
        const ours = decodeDocument(bytes);
        expect(strictDifference(ours, bsonDeserialize(bytes))).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('for raw elements (invalid UTF-8, out-of-range dates, symbols, DBPointers, odd regex flags, array keys)', () => {
    fc.assert(
      fc.property(fc.array(rawElementArbitrary, { maxLength: 6 }), (elements) => sameAsBson(rawDocument(elements))),
      { numRuns: 500 },
    );
  });

  it('for the same bytes decoded from a plain Uint8Array and at an offset', () => {
    fc.assert(
      fc.property(documentArbitrary, fc.nat(7), (document, pad) => {
        const bytes = serialize(document);
        const copy = new Uint8Array(bytes.length + pad);
        copy.set(bytes, pad);
        expect(strictDifference(decodeDocument(copy, pad), bsonDeserialize(bytes))).toBeUndefined();
        expect(strictDifference(decodeDocument(new Uint8Array(bytes)), bsonDeserialize(bytes))).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('keeps int64 beyond ±2^53 as Long and promotes the rest, -0 and NaN included', () => {
    const document = { max: 2n ** 53n, over: 2n ** 53n + 1n, min: -(2n ** 53n), under: -(2n ** 53n) - 1n, negZero: -0, nan: NaN };
    const decoded = decodeDocument(serialize(document));
    expect(decoded.max).toBe(2 ** 53);
    expect(decoded.min).toBe(-(2 ** 53));
    expect(decoded.over).toBeInstanceOf(Long);
    expect(decoded.under).toBeInstanceOf(Long);
    expect(Object.is(decoded.negZero, -0)).toBe(true);
    expect(decoded.nan).toBeNaN();
  });

  it('defines __proto__ as an own property and builds DBRefs and UUIDs as bson does', () => {
    const bytes = serialize({
      ...documentFrom([['__proto__', { polluted: true }]]),
      ref: { $ref: 'db.coll', $id: 1, extra: 2 },
      notRef: { $ref: 'c', $id: 1, $other: 2 },
      uuid: new Binary(Buffer.alloc(16, 7), 4),
      short: new Binary(Buffer.alloc(3, 7), 4),
    });
    const decoded = decodeDocument(bytes);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)[0]).toBe('__proto__');
    expect(decoded.ref).toBeInstanceOf(DBRef);
    expect(decoded.notRef).not.toBeInstanceOf(DBRef);
    expect(decoded.uuid).toBeInstanceOf(UUID);
    expect(decoded.short).not.toBeInstanceOf(UUID);
    expect(strictDifference(decoded, bsonDeserialize(bytes))).toBeUndefined();
  });

  it('hands documents nested deeper than its recursion limit to bson, with the same result', () => {
    let document: Document = { leaf: 1 };
    for (let i = 0; i < 1000; i++) document = i % 2 === 0 ? { d: document } : { a: [document] };
    const bytes = serialize(document);
    expect(strictDifference(decodeDocument(bytes), bsonDeserialize(bytes))).toBeUndefined();
  });
});

describe('decodeDocumentSequence', () => {
  it('decodes back-to-back documents filling the range exactly', () => {
    fc.assert(
      fc.property(fc.array(documentArbitrary, { maxLength: 5 }), (documents) => {
        const parts = documents.map((d) => Buffer.from(serialize(d)));
        const bytes = Buffer.concat([Buffer.from([9, 9]), ...parts, Buffer.from([9])]);
        const decoded = decodeDocumentSequence(bytes, 2, bytes.length - 1);
        expect(decoded.length).toBe(documents.length);
        decoded.forEach((d, i) => expect(strictDifference(d, bsonDeserialize(parts[i]))).toBeUndefined());
      }),
      { numRuns: 50 },
    );
  });

  it('rejects a range that does not end on a document boundary', () => {
    const bytes = Buffer.from(serialize({ a: 1 }));
    expect(() => decodeDocumentSequence(bytes, 0, bytes.length - 1)).toThrow(MongoWireProtocolError);
    expect(() => decodeDocumentSequence(bytes, 0, bytes.length + 1)).toThrow(MongoWireProtocolError);
  });
});

describe('decodeCursorBatch', () => {
  it('gives the reply bson gives, with the batch, id, ns and resume token lifted out', () => {
    fc.assert(
      fc.property(
        fc.array(documentArbitrary, { maxLength: 6 }),
        fc.constantFrom<'firstBatch' | 'nextBatch'>('firstBatch', 'nextBatch'),
        fc.oneof(fc.constant(0n), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
        fc.option(documentArbitrary, { nil: undefined }),
        (batch, field, id, token) => {
          const cursor: Document = { [field]: batch, id: Long.fromBigInt(id), ns: 'db.coll' };
          if (token !== undefined) cursor.postBatchResumeToken = token;
          const bytes = serialize({ cursor, ok: 1, operationTime: 5 });
          const decoded = decodeCursorBatch(bytes);
          const expected = bsonDeserialize(bytes);
          expect(strictDifference(decoded.reply, expected)).toBeUndefined();
          expect(decoded.batchField).toBe(field);
          expect(decoded.batch).toBe(decoded.reply.cursor[field]);
          expect(decoded.id).toBe(id);
          expect(decoded.ns).toBe('db.coll');
          expect(decoded.postBatchResumeToken).toBe(token === undefined ? undefined : decoded.reply.cursor.postBatchResumeToken);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects replies without a cursor document or batch array, naming what is missing', () => {
    expect(() => decodeCursorBatch(serialize({ ok: 1 }))).toThrow(/no 'cursor' document/);
    expect(() => decodeCursorBatch(serialize({ cursor: { id: 0 }, ok: 1 }))).toThrow(/neither a 'firstBatch' nor a 'nextBatch'/);
    expect(() => decodeCursorBatch(serialize({ cursor: { firstBatch: [], id: 'x' }, ok: 1 }))).toThrow(MongoWireProtocolError);
  });
});
