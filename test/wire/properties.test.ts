// Property tests: round trips through every codec path, the framer under any chunking,
// and garbage that must only ever produce a valid message or a MongoWireProtocolError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Long, ObjectId, serialize, type Document } from '../../src/bson.js';
import { MongoWireProtocolError } from '../../src/errors.js';
import {
  decodeMessage,
  encodeMessage,
  MessageFramer,
  OP_MSG,
  OP_REPLY,
  type CompressorName,
  type DecodedMessage,
  type OpMsgRequest,
} from '../../src/wire/index.js';

const key = fc.string({ maxLength: 8, unit: 'grapheme' }).filter((k) => !k.includes('\0') && k !== '__proto__');
const leaf = fc.oneof(
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => new ObjectId(bytes)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromBigInt(n)),
);
const { doc } = fc.letrec<{ value: unknown; doc: Document; array: unknown[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('doc'), tie('array')),
  doc: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const compressor = fc.constantFrom<CompressorName | undefined>(undefined, 'noop', 'zlib', 'snappy');
const sequences = fc.uniqueArray(
  fc.record({ identifier: fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !s.includes('\0')), documents: fc.array(doc, { maxLength: 4 }), preSerialized: fc.boolean() }),
  { maxLength: 3, selector: (s) => s.identifier },
);
const opMsg: fc.Arbitrary<OpMsgRequest> = fc
  .record({ requestId: int32, responseTo: int32, body: doc, sequences, checksum: fc.boolean(), moreToCome: fc.boolean(), exhaustAllowed: fc.boolean() })
  .map(({ sequences: list, ...rest }) => ({
    opCode: OP_MSG,
    ...rest,
    sequences: list.map(({ identifier, documents, preSerialized }) =>
      preSerialized ? { identifier, serialized: documents.map((d) => serialize(d)) } : { identifier, documents },
    ),
  }));

const bytesOf = (document: Document): Buffer => Buffer.from(serialize(document));
const keepLongs = { deserializeOptions: { promoteLongs: false } };

describe('encode → decode round trips', () => {
  it('OP_MSG with random bodies, sequences, flags, checksums and compressors', () => {
    fc.assert(
      fc.property(opMsg, compressor, (message, compression) => {
        const encoded = encodeMessage(message, { compressor: compression });
        const decoded = decodeMessage(encoded, keepLongs);
        if (decoded.opCode !== OP_MSG) throw new Error('expected OP_MSG');
        expect(decoded.requestId).toBe(message.requestId);
        expect(decoded.responseTo).toBe(message.responseTo);
        expect(decoded.checksumPresent).toBe(message.checksum);
        expect(decoded.moreToCome).toBe(message.moreToCome);
        expect(decoded.exhaustAllowed).toBe(message.exhaustAllowed);
        // The encoder writes exactly bson's bytes, and the body survives a full round trip.
        expect(Buffer.from(decoded.bodyBytes).equals(bytesOf(message.body))).toBe(true);
        expect(bytesOf(decoded.body()).equals(bytesOf(message.body))).toBe(true);
        const expected = (message.sequences ?? []).map((s) => ({
          identifier: s.identifier,
          bytes: 'serialized' in s ? s.serialized.map((b) => Buffer.from(b)) : s.documents.map(bytesOf),
        }));
        expect(decoded.sequences.map((s) => ({ identifier: s.identifier, bytes: s.documents.map(bytesOf) }))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('OP_REPLY with random documents and cursor ids', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 4 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), int32, compressor, (documents, cursorId, startingFrom, compression) => {
        const encoded = encodeMessage({ opCode: OP_REPLY, requestId: 1, responseTo: 2, responseFlags: 8, cursorId, startingFrom, documents }, { compressor: compression });
        const decoded = decodeMessage(encoded, keepLongs);
        if (decoded.opCode !== OP_REPLY) throw new Error('expected OP_REPLY');
        expect(decoded.cursorId).toBe(cursorId);
        expect(decoded.startingFrom).toBe(startingFrom);
        expect(decoded.documents.map(bytesOf)).toEqual(documents.map(bytesOf));
      }),
      { numRuns: 50 },
    );
  });
});

/** Splits `data` at the given cut points (any order, duplicates allowed). */
function chunked(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    chunks.push(data.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('MessageFramer properties', () => {
  it('any chunking of a stream yields exactly the encoded messages', () => {
    fc.assert(
      fc.property(fc.array(opMsg, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), (messages, cuts) => {
        const frames = messages.map((m) => encodeMessage(m));
        const framer = new MessageFramer();
        const out = chunked(Buffer.concat(frames), cuts).flatMap((chunk) => framer.push(chunk));
        expect(out).toHaveLength(frames.length);
        out.forEach((frame, i) => expect(frame.equals(frames[i]), `frame ${i}`).toBe(true));
        expect(framer.bufferedBytes).toBe(0);
      }),
      { numRuns: 80 },
    );
  });
});

/** Decodes `frame` fully (body included); returns the error if any. */
function decodeFully(frame: Buffer): unknown {
  try {
    const decoded: DecodedMessage = decodeMessage(frame);
    if (decoded.opCode === OP_MSG) decoded.body();
    return undefined;
  } catch (error) {
    return error;
  }
}

function expectOnlyWireErrors(error: unknown): void {
  if (error !== undefined && !(error instanceof MongoWireProtocolError)) throw error;
}

const validFrame = fc.tuple(opMsg, compressor).map(([message, compression]) => encodeMessage(message, { compressor: compression }));
const mutation = fc.record({ position: fc.nat(), value: fc.integer({ min: 0, max: 255 }) });

describe('garbage in, typed error out', () => {
  it('random bytes (with a plausible length field or not)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, fixLength) => {
        const frame = Buffer.from(bytes);
        if (fixLength && frame.length >= 4) frame.writeInt32LE(frame.length, 0);
        expectOnlyWireErrors(decodeFully(frame));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated and truncated valid frames', () => {
    fc.assert(
      fc.property(validFrame, fc.array(mutation, { maxLength: 4 }), fc.option(fc.nat()), fc.boolean(), (valid, mutations, truncateAt, fixLength) => {
        let frame = Buffer.from(valid);
        for (const { position, value } of mutations) frame[position % frame.length] = value;
        if (truncateAt !== null) frame = frame.subarray(0, truncateAt % (frame.length + 1));
        if (fixLength && frame.length >= 4) frame.writeInt32LE(frame.length, 0);
        expectOnlyWireErrors(decodeFully(frame));
      }),
      { numRuns: 300 },
    );
  });

  it('the framer never throws anything but a wire error and never holds more than one partial message', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(validFrame, fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b))), { maxLength: 5 }), fc.array(fc.nat(), { maxLength: 8 }), (pieces, cuts) => {
        const framer = new MessageFramer({ maxMessageSizeBytes: 4096 });
        try {
          for (const chunk of chunked(Buffer.concat(pieces), cuts)) {
            for (const frame of framer.push(chunk)) {
              expect(frame.readInt32LE(0)).toBe(frame.length);
              expectOnlyWireErrors(decodeFully(frame));
            }
            expect(framer.bufferedBytes).toBeLessThan(4096);
          }
        } catch (error) {
          expectOnlyWireErrors(error);
        }
      }),
      { numRuns: 300 },
    );
  });
});
