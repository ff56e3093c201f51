// CRC-32C (Castagnoli), the checksum OP_MSG carries when checksumPresent is set.
// Slicing-by-8 tables: eight bytes per step, several times faster than one table.

const POLYNOMIAL_REVERSED = 0x82f63b78;

function buildTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const first = tables[0];
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL_REVERSED : crc >>> 1;
    first[byte] = crc >>> 0;
  }
  for (let byte = 0; byte < 256; byte++) {
    let crc = first[byte];
    for (let table = 1; table < 8; table++) {
      crc = first[crc & 0xff] ^ (crc >>> 8);
      tables[table][byte] = crc >>> 0;
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = buildTables();

/**
 * CRC-32C of `data`. Pass a previous result as `initial` to continue a checksum
 * across several buffers: crc32c(b, crc32c(a)) === crc32c(a ++ b).
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  let i = 0;
  const end = data.length;
  const end8 = end - (end % 8);
  while (i < end8) {
    const low = (crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    crc =
      T7[low & 0xff] ^
      T6[(low >>> 8) & 0xff] ^
      T5[(low >>> 16) & 0xff] ^
      T4[low >>> 24] ^
      T3[data[i + 4]] ^
      T2[data[i + 5]] ^
      T1[data[i + 6]] ^
      T0[data[i + 7]];
    i += 8;
  }
  while (i < end) crc = T0[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
