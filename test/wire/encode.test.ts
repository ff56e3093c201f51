import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  nextRequestId,
  OP_MSG,
  readOpCode,
  readRequestId,
  readResponseTo,
  type DecodedOpMsg,
} from '../../src/wire/index.js';
import { MongoWireProtocolError } from '../../src/errors.js';
import { hex } from './bytes.js';

const decodeMsg = (frame: Buffer): DecodedOpMsg => {
  const decoded = decodeMessage(frame);
  if (decoded.opCode !== OP_MSG) throw new Error('expected OP_MSG');
  return decoded;
};

describe('encodeMessage', () => {
  it('writes pre-serialized sequence documents byte for byte (never re-serialized)', () => {
    // { a: 1, a: 2 }: a duplicate key that a deserialize/serialize cycle would collapse.
    const duplicateKeys = hex('13000000 10 6100 01000000 10 6100 02000000 00');
    const frame = encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { insert: 'c' }, sequences: [{ identifier: 'documents', serialized: [duplicateKeys] }] });
    expect(frame.subarray(frame.length - duplicateKeys.length).equals(duplicateKeys)).toBe(true);
  });

  it('encodes messages larger than the scratch buffer, and small ones after them', () => {
    const big = 'x'.repeat(3_000_000);
    const documents = Array.from({ length: 2000 }, (_, i) => ({ i, s: 'y'.repeat(50) }));
    const frame = encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { big }, sequences: [{ identifier: 'documents', documents }] });
    const decoded = decodeMsg(frame);
    expect(decoded.body().big).toHaveLength(3_000_000);
    expect(decoded.sequences[0].documents).toEqual(documents);
    const small = encodeMessage({ opCode: OP_MSG, requestId: 2, responseTo: 0, body: { ping: 1 } });
    expect(small.length).toBe(36);
    expect(decodeMsg(small).body()).toEqual({ ping: 1 });
  });

  it('returns independent buffers (the scratch is not shared with callers)', () => {
    const first = encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { a: 1 } });
    const copy = Buffer.from(first);
    encodeMessage({ opCode: OP_MSG, requestId: 2, responseTo: 0, body: { b: 2 } });
    expect(first).toEqual(copy);
  });

  it('supports a toBSON() that itself encodes a message', () => {
    const inner = { toBSON: () => ({ nested: encodeMessage({ opCode: OP_MSG, requestId: 9, responseTo: 0, body: { x: 1 } }).length }) };
    const frame = encodeMessage({ opCode: OP_MSG, requestId: 1, responseTo: 0, body: { inner } });
    expect(decodeMsg(frame).body()).toEqual({ inner: { nested: 33 } });
  });
});

describe('header helpers', () => {
  it('read requestId, responseTo and opCode', () => {
    const frame = encodeMessage({ opCode: OP_MSG, requestId: 123, responseTo: -7, body: { a: 1 } });
    expect(readRequestId(frame)).toBe(123);
    expect(readResponseTo(frame)).toBe(-7);
    expect(readOpCode(frame)).toBe(OP_MSG);
    expect(() => readOpCode(Buffer.alloc(3))).toThrow(MongoWireProtocolError);
  });

  it('nextRequestId gives increasing positive int32 values', () => {
    const first = nextRequestId();
    const second = nextRequestId();
    expect(second).toBe(first + 1);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(0x7fffffff);
  });
});
