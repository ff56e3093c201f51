// The GridFS index check compares key directions by value, whatever numeric type stored them.
import { describe, expect, it } from 'vitest';
import { Double, Int32, Long } from '../../src/bson.js';
import { sameIndexKey } from '../../src/gridfs/indexes.js';

describe('sameIndexKey', () => {
  const wanted = { filename: 1, uploadDate: 1 };

  it('matches int32, int64 and double directions alike', () => {
    expect(sameIndexKey({ filename: 1, uploadDate: 1 }, wanted)).toBe(true);
    expect(sameIndexKey({ filename: new Double(1), uploadDate: new Int32(1) }, wanted)).toBe(true);
    expect(sameIndexKey({ filename: Long.fromNumber(1), uploadDate: 1.0 }, wanted)).toBe(true);
  });

  it('rejects other directions, fields, orders and extra fields', () => {
    expect(sameIndexKey({ filename: -1, uploadDate: 1 }, wanted)).toBe(false);
    expect(sameIndexKey({ uploadDate: 1, filename: 1 }, wanted)).toBe(false);
    expect(sameIndexKey({ filename: 1 }, wanted)).toBe(false);
    expect(sameIndexKey({ filename: 1, uploadDate: 1, extra: 1 }, wanted)).toBe(false);
    expect(sameIndexKey({ filename: 'text', uploadDate: 1 }, wanted)).toBe(false);
    expect(sameIndexKey(undefined, wanted)).toBe(false);
  });
});
