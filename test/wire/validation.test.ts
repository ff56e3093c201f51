// Every malformed frame yields a MongoWireProtocolError whose message names the problem.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MongoCompatibilityError, MongoInvalidArgumentError, MongoMissingDependencyError, MongoWireProtocolError } from '../../src/errors.js';
import {
  decodeMessage,
  decodeMessageAsync,
  encodeMessage,
  encodeMessageAsync,
  OP_COMPRESSED,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  type DecodedOpMsg,
} from '../../src/wire/index.js';
import { A1_DOC, cstring, frame, hex, int32, int64, PING_DOC, uint32 } from './bytes.js';

function expectWireError(bytes: Buffer, pattern: RegExp, options?: { maxMessageSizeBytes?: number }): void {
  let thrown: unknown;
  try {
    decodeMessage(bytes, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(MongoWireProtocolError);
  expect((thrown as Error).message).toMatch(pattern);
}

const msg = (flags: number, ...sections: Buffer[]): Buffer => frame(1, 0, OP_MSG, uint32(flags), ...sections);
const body = (doc: Buffer = PING_DOC): Buffer => Buffer.concat([hex('00'), doc]);
const sequence = (identifier: string, ...docs: Buffer[]): Buffer => {
  const content = Buffer.concat([cstring(identifier), ...docs]);
  return Buffer.concat([hex('01'), int32(4 + content.length), content]);
};

describe('header validation', () => {
  it('rejects frames shorter than a header', () => {
    expectWireError(Buffer.alloc(10), /shorter than the 16-byte header/);
  });
  it('rejects negative, too small and mismatched messageLength', () => {
    const good = msg(0, body());
    expectWireError(Buffer.concat([int32(-5), good.subarray(4)]), /messageLength -5 is smaller/);
    expectWireError(Buffer.concat([int32(12), good.subarray(4)]), /messageLength 12 is smaller/);
    expectWireError(Buffer.concat([int32(good.length + 1), good.subarray(4)]), /does not match the frame's 36 bytes/);
    expectWireError(Buffer.concat([good, hex('00')]), /messageLength 36 does not match the frame's 37 bytes/);
  });
  it('rejects messages over maxMessageSizeBytes', () => {
    expectWireError(msg(0, body()), /exceeds maxMessageSizeBytes 30/, { maxMessageSizeBytes: 30 });
  });
  it('rejects unknown opCodes', () => {
    expectWireError(frame(1, 0, 2004 + 1, Buffer.alloc(20)), /unknown opCode 2005/);
  });
});

describe('OP_MSG validation', () => {
  it('rejects unknown required flag bits but not optional ones', () => {
    expectWireError(msg(1 << 2, body()), /unknown required bits 0x4/);
    expectWireError(msg(1 << 15, body()), /unknown required bits 0x8000/);
    expect(() => decodeMessage(msg(1 << 17, body()))).not.toThrow();
  });
  it('rejects a missing or a second body section', () => {
    expectWireError(msg(0, sequence('documents', A1_DOC)), /no kind-0 \(body\) section/);
    expectWireError(msg(0, body(), body()), /second kind-0 \(body\) section at offset 36/);
  });
  it('rejects unknown section kinds', () => {
    expectWireError(msg(0, body(), hex('02'), PING_DOC), /unknown kind 2/);
  });
  it('rejects body documents whose length runs past the message or is too small', () => {
    const long = Buffer.from(PING_DOC);
    long.writeInt32LE(PING_DOC.length + 1);
    expectWireError(msg(0, body(long)), /declares length 16 but only 15 bytes remain/);
    const tiny = Buffer.from(PING_DOC);
    tiny.writeInt32LE(4);
    expectWireError(msg(0, body(tiny)), /declares length 4, below the BSON minimum/);
    expectWireError(msg(0, sequence('d', A1_DOC), hex('00 0f00')), /OP_MSG body document at offset \d+ is truncated: 2 bytes left/);
  });
  it('rejects a body document without its terminator byte', () => {
    const unterminated = Buffer.from(PING_DOC);
    unterminated[unterminated.length - 1] = 1;
    expectWireError(msg(0, body(unterminated)), /does not end with the BSON terminator/);
  });
  it('rejects truncated and overlong kind-1 sections', () => {
    expectWireError(msg(0, body(), hex('01 0500')), /kind-1 section at offset 36 is truncated/);
    const overlong = sequence('documents', A1_DOC);
    overlong.writeInt32LE(overlong.length + 10, 1);
    expectWireError(msg(0, body(), overlong), /declares size 37 but only 26 bytes remain/);
    const tooSmall = sequence('documents', A1_DOC);
    tooSmall.writeInt32LE(3, 1);
    expectWireError(msg(0, body(), tooSmall), /declares size 3, below the minimum/);
  });
  it('rejects a kind-1 document running past its section', () => {
    const section = sequence('documents', A1_DOC);
    section.writeInt32LE(section.readInt32LE(1) - 2, 1);
    // The section now ends 2 bytes early: its document overruns, and 2 stray bytes follow.
    expectWireError(msg(0, body(), section), /document 0 of OP_MSG sequence 'documents' at offset \d+ declares length 12 but only 10 bytes remain/);
  });
  it('rejects identifiers that are unterminated, empty or repeated', () => {
    expectWireError(msg(0, body(), hex('01'), int32(7), Buffer.from('abc')), /identifier without a NUL terminator/);
    expectWireError(msg(0, body(), sequence('', A1_DOC)), /empty identifier/);
    expectWireError(msg(0, body(), sequence('d', A1_DOC), sequence('d', A1_DOC)), /identifier 'd'; identifiers must be unique/);
  });
  it('wraps BSON errors in sequence documents and in body()', () => {
    const badUtf8 = hex('0e000000 02 6100 02000000 ff00 00'); // { a: "\xff" }
    expectWireError(msg(0, body(), sequence('documents', badUtf8)), /document 0 of OP_MSG sequence 'documents' is not valid BSON/);
    const decoded = decodeMessage(msg(0, body(hex('0c000000 7f 6100 01000000 00')))) as DecodedOpMsg;
    expect(() => decoded.body()).toThrow(MongoWireProtocolError);
    expect(() => decoded.body()).toThrow(/OP_MSG body is not valid BSON/);
  });
  it('verifies the checksum', () => {
    const good = encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, checksum: true, body: { ping: 1 } });
    expect(() => decodeMessage(good)).not.toThrow();
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 1] ^= 0x01;
    expectWireError(corrupt, /checksum mismatch/);
    const bodyCorrupt = Buffer.from(good);
    bodyCorrupt[30] ^= 0x40;
    expectWireError(bodyCorrupt, /checksum mismatch/);
    expectWireError(msg(1, hex('00 05000000 00')), /too short to hold sections and the checksum/);
  });
});

describe('OP_QUERY / OP_REPLY validation', () => {
  it('rejects malformed OP_QUERY', () => {
    expectWireError(frame(1, 0, OP_QUERY, int32(0), Buffer.from('abcdefghijklmnopq')), /fullCollectionName has no NUL terminator/);
    expectWireError(frame(1, 0, OP_QUERY, int32(0), cstring('admin.$cmdxxxxxxxxxxxxxx'), int32(0)), /truncated after fullCollectionName/);
    expectWireError(frame(1, 0, OP_QUERY, int32(0), cstring('a.b'), int32(0), int32(1), PING_DOC, A1_DOC, hex('00')), /1 unexpected bytes after returnFieldsSelector/);
    expectWireError(frame(1, 0, OP_QUERY, int32(0), cstring('a.b'), int32(0), int32(1), PING_DOC, A1_DOC, A1_DOC), /unexpected bytes after returnFieldsSelector/);
  });
  it('rejects OP_REPLY whose numberReturned disagrees with its documents', () => {
    const fixed = (n: number): Buffer[] => [int32(0), int64(0n), int32(0), int32(n)];
    expectWireError(frame(1, 0, OP_REPLY, ...fixed(2), A1_DOC), /numberReturned is 2 but it holds 1 documents/);
    expectWireError(frame(1, 0, OP_REPLY, ...fixed(1), A1_DOC, A1_DOC), /bytes after its 1 documents/);
    expectWireError(frame(1, 0, OP_REPLY, ...fixed(-1)), /numberReturned -1 is negative/);
    expectWireError(frame(1, 0, OP_REPLY, int32(0)), /shorter than its 36-byte fixed part/);
  });
});

describe('OP_COMPRESSED validation', () => {
  const payload = msg(0, body()).subarray(16);
  const compressed = (originalOpcode: number, size: number, id: number, data: Buffer): Buffer =>
    frame(1, 0, OP_COMPRESSED, int32(originalOpcode), int32(size), Buffer.from([id]), data);

  it('rejects unknown compressor ids', () => {
    expectWireError(compressed(OP_MSG, payload.length, 4, payload), /compressorId 4 is unknown/);
  });
  it('rejects OP_COMPRESSED inside OP_COMPRESSED and unknown wrapped opcodes', () => {
    expectWireError(compressed(OP_COMPRESSED, payload.length, 0, payload), /wraps another OP_COMPRESSED/);
    expectWireError(compressed(2001, payload.length, 0, payload), /wraps unknown opCode 2001/);
  });
  it('rejects sizes that disagree with the decompressed payload', () => {
    expectWireError(compressed(OP_MSG, payload.length + 1, 0, payload), /noop payload decompressed to 20 bytes but uncompressedSize says 21/);
    expectWireError(compressed(OP_MSG, payload.length - 1, 2, deflateSync(payload)), /zlib payload could not be decompressed|zlib payload decompressed/);
    expectWireError(compressed(OP_MSG, payload.length + 5, 2, deflateSync(payload)), /zlib payload decompressed to 20 bytes but uncompressedSize says 25/);
    const snappyBlock = Buffer.concat([Buffer.from([payload.length, (payload.length - 1) << 2]), payload]);
    expectWireError(compressed(OP_MSG, payload.length + 1, 1, snappyBlock), /snappy payload declares 20 uncompressed bytes but uncompressedSize says 21/);
    expectWireError(compressed(OP_MSG, -1, 0, payload), /uncompressedSize -1 is negative/);
    expectWireError(compressed(OP_MSG, 100, 0, payload), /over maxMessageSizeBytes 60/, { maxMessageSizeBytes: 60 });
  });
  it('rejects corrupt compressed data', () => {
    expectWireError(compressed(OP_MSG, payload.length, 2, Buffer.from('not zlib at all')), /zlib payload could not be decompressed/);
    expectWireError(compressed(OP_MSG, payload.length, 1, Buffer.from([payload.length, 0xff, 0xff])), /snappy payload could not be decompressed/);
  });
  it('validates the wrapped message too', () => {
    const wrapped = msg(1 << 3, body()).subarray(16);
    expectWireError(compressed(OP_MSG, wrapped.length, 0, wrapped), /unknown required bits 0x8/);
  });
  it('zstd: sync decode refuses and names decodeMessageAsync; async needs @mongodb-js/zstd', async () => {
    const bytes = compressed(OP_MSG, payload.length, 3, Buffer.from('zstd bytes'));
    expectWireError(bytes, /use decodeMessageAsync/);
    await expect(decodeMessageAsync(bytes)).rejects.toThrow(MongoMissingDependencyError);
  });
});

describe('encoder argument checks', () => {
  const ping = { opCode: OP_MSG, requestId: 1, responseTo: 0, body: { ping: 1 } } as const;

  it('zstd in the sync path points to encodeMessageAsync', () => {
    expect(() => encodeMessage(ping, { compressor: 'zstd' })).toThrow(MongoCompatibilityError);
    expect(() => encodeMessage(ping, { compressor: 'zstd' })).toThrow(/encodeMessageAsync/);
  });
  it('zstd in the async path needs @mongodb-js/zstd', async () => {
    const rejection = encodeMessageAsync(ping, { compressor: 'zstd' });
    await expect(rejection).rejects.toThrow(MongoMissingDependencyError);
    await expect(encodeMessageAsync(ping, { compressor: 'zstd' })).rejects.toMatchObject({ dependencyName: '@mongodb-js/zstd', message: expect.stringContaining("'@mongodb-js/zstd'") });
  });
  it('rejects bad compressors, levels, identifiers and pre-serialized documents', () => {
    expect(() => encodeMessage(ping, { compressor: 'lz4' as 'zlib' })).toThrow(MongoInvalidArgumentError);
    expect(() => encodeMessage(ping, { compressor: 'zlib', zlibCompressionLevel: 10 })).toThrow(/zlibCompressionLevel/);
    expect(() => encodeMessage({ ...ping, sequences: [{ identifier: 'a\0b', documents: [] }] })).toThrow(/identifier/);
    expect(() => encodeMessage({ ...ping, sequences: [{ identifier: 'documents', serialized: [Buffer.from([1, 2, 3])] }] })).toThrow(/not one BSON document/);
    expect(() => encodeMessage({ ...ping, body: [] as unknown as { ping: 1 } })).toThrow(/OP_MSG body must be a document/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeMessage({ ...ping, body: cyclic })).toThrow(MongoInvalidArgumentError);
  });
  it('writes undefined as null unless ignoreUndefined', () => {
    const withUndefined = { ...ping, body: { ping: 1, gone: undefined } };
    expect((decodeMessage(encodeMessage(withUndefined)) as DecodedOpMsg).body()).toEqual({ ping: 1, gone: null });
    expect((decodeMessage(encodeMessage(withUndefined, { ignoreUndefined: true })) as DecodedOpMsg).body()).toEqual({ ping: 1 });
  });
});
