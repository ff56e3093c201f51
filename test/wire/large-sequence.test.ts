// Regression: pre-serialized sequences larger than the writer's scratch buffer must grow it,
// not write into the buffer it replaced (10,000 small documents ≈ 800 KB used to throw RangeError).
import { describe, expect, it } from 'vitest';
import { serialize } from '../../src/bson.js';
import { decodeMessage, encodeMessage, OP_MSG, type DecodedOpMsg } from '../../src/wire/index.js';

describe('encoding sequences larger than the scratch buffer', () => {
  it('round-trips 10,000 pre-serialized documents', () => {
    const serialized = Array.from({ length: 10_000 }, (_, i) => serialize({ _id: i, name: `document number ${i}`, tags: ['a', 'b', 'c'] }));
    const frame = encodeMessage({
      opCode: OP_MSG,
      requestId: 7,
      responseTo: 0,
      body: { insert: 'c', $db: 'test' },
      sequences: [{ identifier: 'documents', serialized }],
    });
    const decoded = decodeMessage(frame) as DecodedOpMsg;
    expect(decoded.sequences[0].documents).toHaveLength(10_000);
    expect(decoded.sequences[0].documents[9_999]).toEqual({ _id: 9_999, name: 'document number 9999', tags: ['a', 'b', 'c'] });
  });

  it('round-trips a body larger than the scratch buffer', () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const frame = encodeMessage({ opCode: OP_MSG, requestId: 8, responseTo: 0, body: { ping: 1, big, $db: 'admin' } });
    expect((decodeMessage(frame) as DecodedOpMsg).body().big).toHaveLength(big.length);
  });
});
