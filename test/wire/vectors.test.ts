// Hand-built frames: decoding them gives the expected values, encoding the values gives the same bytes.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Long, serialize as bsonSerialize, type Document } from '../../src/bson.js';

const serialize = (document: Document): Buffer => Buffer.from(bsonSerialize(document));
import {
  decodeMessage,
  decodeMessageAsync,
  encodeMessage,
  encodeMessageAsync,
  OP_COMPRESSED,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  type DecodedMessage,
  type DecodedOpMsg,
  type OpReplyMessage,
} from '../../src/wire/index.js';
import { A1_DOC, A2_DOC, cstring, frame, HELLO_DOC, hex, int32, int64, OK_DOC, PING_DOC, referenceCrc32c, uint32 } from './bytes.js';

function asOpMsg(message: DecodedMessage): DecodedOpMsg {
  if (message.opCode !== OP_MSG) throw new Error(`expected OP_MSG, got ${message.opCode}`);
  return message;
}

const PING_MSG = frame(7, 0, OP_MSG, uint32(0), hex('00'), PING_DOC);

describe('OP_MSG vectors', () => {
  it('kind 0 only', () => {
    expect(PING_MSG.toString('hex')).toBe('24000000' + '07000000' + '00000000' + 'dd070000' + '00000000' + '00' + PING_DOC.toString('hex'));
    const decoded = asOpMsg(decodeMessage(PING_MSG));
    expect(decoded).toMatchObject({ requestId: 7, responseTo: 0, flagBits: 0, checksumPresent: false, moreToCome: false, exhaustAllowed: false, sequences: [] });
    expect(Buffer.from(decoded.bodyBytes).equals(PING_DOC)).toBe(true);
    expect(decoded.body()).toEqual({ ping: 1 });
    expect(decoded.body()).toBe(decoded.body());
    expect(encodeMessage({ opCode: OP_MSG, requestId: 7, responseTo: 0, body: { ping: 1 } })).toEqual(PING_MSG);
  });

  it('keeps the body as a view of the frame, not a copy', () => {
    const decoded = asOpMsg(decodeMessage(PING_MSG));
    expect(decoded.bodyBytes.buffer).toBe(PING_MSG.buffer);
    expect(decoded.bodyBytes.byteOffset).toBe(PING_MSG.byteOffset + 21);
  });

  it('kind 0 + kind 1 (documents decoded, also when the sequence comes first)', () => {
    const insertBody = serialize({ insert: 'c', $db: 'test' });
    const sequence = Buffer.concat([hex('01'), int32(4 + 10 + A1_DOC.length + A2_DOC.length), cstring('documents'), A1_DOC, A2_DOC]);
    const bytes = frame(9, 0, OP_MSG, uint32(0), hex('00'), insertBody, sequence);
    const decoded = asOpMsg(decodeMessage(bytes));
    expect(decoded.body()).toEqual({ insert: 'c', $db: 'test' });
    expect(decoded.sequences).toEqual([{ identifier: 'documents', documents: [{ a: 1 }, { a: 2 }] }]);
    const request = { opCode: OP_MSG, requestId: 9, responseTo: 0, body: { insert: 'c', $db: 'test' } } as const;
    expect(encodeMessage({ ...request, sequences: [{ identifier: 'documents', documents: [{ a: 1 }, { a: 2 }] }] })).toEqual(bytes);
    expect(encodeMessage({ ...request, sequences: [{ identifier: 'documents', serialized: [A1_DOC, A2_DOC] }] })).toEqual(bytes);

    const sequenceFirst = frame(9, 0, OP_MSG, uint32(0), sequence, hex('00'), insertBody);
    const reordered = asOpMsg(decodeMessage(sequenceFirst));
    expect(reordered.body()).toEqual({ insert: 'c', $db: 'test' });
    expect(reordered.sequences).toEqual(decoded.sequences);
  });

  it('empty kind-1 sequence', () => {
    const bytes = frame(1, 0, OP_MSG, uint32(0), hex('00'), PING_DOC, hex('01'), int32(6), cstring('x'));
    expect(asOpMsg(decodeMessage(bytes)).sequences).toEqual([{ identifier: 'x', documents: [] }]);
    expect(encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { ping: 1 }, sequences: [{ identifier: 'x', documents: [] }] })).toEqual(bytes);
  });

  it('moreToCome', () => {
    const bytes = frame(3, 2, OP_MSG, uint32(2), hex('00'), OK_DOC);
    const decoded = asOpMsg(decodeMessage(bytes));
    expect(decoded).toMatchObject({ requestId: 3, responseTo: 2, flagBits: 2, moreToCome: true, exhaustAllowed: false, checksumPresent: false });
    expect(decoded.body()).toEqual({ ok: 1 });
    expect(encodeMessage({ opCode: OP_MSG, requestId: 3, responseTo: 2, moreToCome: true, body: { ok: 1.0 } })).toEqual(
      // 1.0 is written as int32 by BSON, so compare against the int32 body instead.
      frame(3, 2, OP_MSG, uint32(2), hex('00'), serialize({ ok: 1 })),
    );
  });

  it('exhaustAllowed (bit 16, optional) and an unknown optional bit are accepted', () => {
    const bytes = frame(4, 0, OP_MSG, uint32(0x10000), hex('00'), HELLO_DOC);
    const decoded = asOpMsg(decodeMessage(bytes));
    expect(decoded).toMatchObject({ flagBits: 0x10000, exhaustAllowed: true, moreToCome: false });
    expect(decoded.body()).toEqual({ hello: 1 });
    expect(encodeMessage({ opCode: OP_MSG, requestId: 4, responseTo: 0, exhaustAllowed: true, body: { hello: 1 } })).toEqual(bytes);

    const unknownOptional = frame(4, 0, OP_MSG, uint32(0x80000000 | 0x10000), hex('00'), HELLO_DOC);
    expect(asOpMsg(decodeMessage(unknownOptional)).flagBits).toBe((0x80000000 | 0x10000) >>> 0);
  });

  it('checksum', () => {
    const unsummed = frame(5, 0, OP_MSG, uint32(1), hex('00'), PING_DOC);
    // messageLength must include the checksum, so rebuild with 4 more bytes before hashing.
    const withLength = Buffer.concat([int32(unsummed.length + 4), unsummed.subarray(4)]);
    const bytes = Buffer.concat([withLength, uint32(referenceCrc32c(withLength))]);
    const decoded = asOpMsg(decodeMessage(bytes));
    expect(decoded).toMatchObject({ checksumPresent: true, flagBits: 1 });
    expect(decoded.body()).toEqual({ ping: 1 });
    expect(encodeMessage({ opCode: OP_MSG, requestId: 5, responseTo: 0, checksum: true, body: { ping: 1 } })).toEqual(bytes);
  });
});

describe('OP_QUERY and OP_REPLY vectors', () => {
  const queryBytes = frame(1, 0, OP_QUERY, int32(4), cstring('admin.$cmd'), int32(0), int32(-1), HELLO_DOC);

  it('OP_QUERY', () => {
    expect(decodeMessage(queryBytes)).toEqual({
      opCode: OP_QUERY,
      requestId: 1,
      responseTo: 0,
      flags: 4,
      fullCollectionName: 'admin.$cmd',
      numberToSkip: 0,
      numberToReturn: -1,
      query: { hello: 1 },
    });
    expect(
      encodeMessage({ opCode: OP_QUERY, requestId: 1, responseTo: 0, flags: 4, fullCollectionName: 'admin.$cmd', numberToSkip: 0, numberToReturn: -1, query: { hello: 1 } }),
    ).toEqual(queryBytes);
  });

  it('OP_QUERY with returnFieldsSelector', () => {
    const bytes = frame(2, 0, OP_QUERY, int32(0), cstring('db.c'), int32(5), int32(10), HELLO_DOC, A1_DOC);
    const message = { opCode: OP_QUERY, requestId: 2, responseTo: 0, flags: 0, fullCollectionName: 'db.c', numberToSkip: 5, numberToReturn: 10, query: { hello: 1 }, returnFieldsSelector: { a: 1 } } as const;
    expect(decodeMessage(bytes)).toEqual(message);
    expect(encodeMessage(message)).toEqual(bytes);
  });

  it('OP_REPLY', () => {
    const bytes = frame(10, 1, OP_REPLY, int32(8), int64(0x1234567890n), int32(0), int32(2), A1_DOC, A2_DOC);
    const message: OpReplyMessage = { opCode: OP_REPLY, requestId: 10, responseTo: 1, responseFlags: 8, cursorId: 0x1234567890n, startingFrom: 0, documents: [{ a: 1 }, { a: 2 }] };
    expect(decodeMessage(bytes)).toEqual(message);
    expect(encodeMessage(message)).toEqual(bytes);
    const negativeCursor = frame(10, 1, OP_REPLY, int32(0), int64(-2n), int32(0), int32(0));
    expect(decodeMessage(negativeCursor)).toMatchObject({ cursorId: -2n, documents: [] });
  });

  it('OP_REPLY documents of any BSON type', () => {
    const doc = { n: Long.fromNumber(2 ** 40) };
    const bytes = frame(1, 1, OP_REPLY, int32(0), int64(0n), int32(0), int32(1), serialize(doc));
    expect(decodeMessage(bytes, { deserializeOptions: { promoteLongs: false } })).toMatchObject({ documents: [{ n: Long.fromNumber(2 ** 40) }] });
  });
});

describe('OP_COMPRESSED vectors', () => {
  /** The PING_MSG without its header: flagBits, kind byte, body. */
  const payload = PING_MSG.subarray(16);

  function compressed(compressorId: number, data: Buffer): Buffer {
    return frame(7, 0, OP_COMPRESSED, int32(OP_MSG), int32(payload.length), Buffer.from([compressorId]), data);
  }

  async function expectPing(bytes: Buffer): Promise<void> {
    for (const decoded of [decodeMessage(bytes), await decodeMessageAsync(bytes)]) {
      const message = asOpMsg(decoded);
      expect(message).toMatchObject({ requestId: 7, responseTo: 0, flagBits: 0 });
      expect(message.body()).toEqual({ ping: 1 });
    }
  }

  const ping = { opCode: OP_MSG, requestId: 7, responseTo: 0, body: { ping: 1 } } as const;

  it('noop', async () => {
    const bytes = compressed(0, payload);
    await expectPing(bytes);
    expect(encodeMessage(ping, { compressor: 'noop' })).toEqual(bytes);
    expect(await encodeMessageAsync(ping, { compressor: 'noop' })).toEqual(bytes);
  });

  it('zlib', async () => {
    const bytes = compressed(2, deflateSync(payload, { level: 6 }));
    await expectPing(bytes);
    expect(encodeMessage(ping, { compressor: 'zlib', zlibCompressionLevel: 6 })).toEqual(bytes);
    expect(await encodeMessageAsync(ping, { compressor: 'zlib', zlibCompressionLevel: 6 })).toEqual(bytes);
  });

  it('snappy (hand-built literal block)', async () => {
    // Raw snappy: varint uncompressed length, then one literal of (length - 1) << 2.
    const block = Buffer.concat([Buffer.from([payload.length, (payload.length - 1) << 2]), payload]);
    await expectPing(compressed(1, block));
    const encoded = encodeMessage(ping, { compressor: 'snappy' });
    expect(encoded.readInt32LE(0)).toBe(encoded.length);
    expect(encoded.subarray(4, 25)).toEqual(compressed(1, Buffer.alloc(0)).subarray(4, 25));
    await expectPing(encoded);
    await expectPing(await encodeMessageAsync(ping, { compressor: 'snappy' }));
  });

  it('wraps OP_QUERY and OP_REPLY too', () => {
    const query = { opCode: OP_QUERY, requestId: 1, responseTo: 0, flags: 0, fullCollectionName: 'admin.$cmd', numberToSkip: 0, numberToReturn: -1, query: { hello: 1 } } as const;
    const encoded = encodeMessage(query, { compressor: 'zlib' });
    expect(encoded.readInt32LE(12)).toBe(OP_COMPRESSED);
    expect(encoded.readInt32LE(16)).toBe(OP_QUERY);
    expect(decodeMessage(encoded)).toEqual(query);
    const reply: OpReplyMessage = { opCode: OP_REPLY, requestId: 2, responseTo: 1, responseFlags: 8, cursorId: 0n, startingFrom: 0, documents: [{ ok: 1 }] };
    expect(decodeMessage(encodeMessage(reply, { compressor: 'snappy' }))).toEqual(reply);
  });

  it('verifies a checksum over the uncompressed message', () => {
    const encoded = encodeMessage({ ...ping, checksum: true }, { compressor: 'zlib' });
    expect(asOpMsg(decodeMessage(encoded)).checksumPresent).toBe(true);
  });
});
