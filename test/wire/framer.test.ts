import { describe, expect, it } from 'vitest';
import { MongoWireProtocolError } from '../../src/errors.js';
import { encodeMessage, MessageFramer, OP_MSG } from '../../src/wire/index.js';
import { int32 } from './bytes.js';

const message = (n: number): Buffer => encodeMessage({ opCode: OP_MSG, requestId: n, responseTo: 0, body: { n, pad: 'x'.repeat(n) } });

describe('MessageFramer', () => {
  it('returns whole messages inside one chunk as views of it, without copying', () => {
    const chunk = Buffer.concat([message(1), message(2), message(3)]);
    const framer = new MessageFramer();
    const frames = framer.push(chunk);
    expect(frames.map((f) => f.readInt32LE(4))).toEqual([1, 2, 3]);
    for (const f of frames) expect(f.buffer).toBe(chunk.buffer);
    expect(frames[1].byteOffset).toBe(chunk.byteOffset + message(1).length);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('buffers a partial message and joins it once complete', () => {
    const a = message(10);
    const b = message(20);
    const framer = new MessageFramer();
    expect(framer.push(a.subarray(0, 2))).toEqual([]);
    expect(framer.bufferedBytes).toBe(2);
    expect(framer.push(a.subarray(2, 9))).toEqual([]);
    expect(framer.bufferedBytes).toBe(9);
    const frames = framer.push(Buffer.concat([a.subarray(9), b.subarray(0, 5)]));
    expect(frames).toEqual([a]);
    expect(framer.bufferedBytes).toBe(5);
    expect(framer.push(b.subarray(5))).toEqual([b]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('handles empty chunks', () => {
    const framer = new MessageFramer();
    expect(framer.push(Buffer.alloc(0))).toEqual([]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('throws as soon as a length field is too small or too large, even split over chunks', () => {
    const framer = new MessageFramer({ maxMessageSizeBytes: 1000 });
    expect(() => framer.push(int32(15))).toThrow(MongoWireProtocolError);
    expect(() => new MessageFramer().push(int32(-1))).toThrow(/messageLength -1 is smaller/);

    const split = new MessageFramer({ maxMessageSizeBytes: 1000 });
    expect(split.push(int32(1001).subarray(0, 3))).toEqual([]);
    expect(() => split.push(int32(1001).subarray(3))).toThrow(/messageLength 1001 exceeds maxMessageSizeBytes 1000/);

    const afterGood = new MessageFramer();
    expect(() => afterGood.push(Buffer.concat([message(1), int32(3)]))).toThrow(/messageLength 3/);
  });

  it('stays failed after an error until reset()', () => {
    const framer = new MessageFramer();
    expect(() => framer.push(int32(2))).toThrow(MongoWireProtocolError);
    expect(() => framer.push(message(1))).toThrow(/messageLength 2/);
    framer.reset();
    expect(framer.push(message(1))).toEqual([message(1)]);
  });

  it('reset() drops a partial message', () => {
    const framer = new MessageFramer();
    framer.push(message(3).subarray(0, 10));
    framer.reset();
    expect(framer.bufferedBytes).toBe(0);
    expect(framer.push(message(4))).toEqual([message(4)]);
  });
});
