import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/wire/index.js';
import { referenceCrc32c } from './bytes.js';

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789', 'ascii'))).toBe(0xe3069283);
  });

  it('gives 0 for no bytes and known values for fixed inputs', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4 test vectors.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('matches a bitwise reference on random data and continues across splits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (data, cut) => {
        const expected = referenceCrc32c(data);
        expect(crc32c(data)).toBe(expected);
        const at = data.length === 0 ? 0 : cut % data.length;
        expect(crc32c(data.subarray(at), crc32c(data.subarray(0, at)))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});
