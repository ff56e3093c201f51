// Helpers for writing frames byte by byte in tests, independently of the encoder.
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

export function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}

export function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}

export function int64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64LE(value);
  return buffer;
}

export function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

/** A frame: header (with the correct messageLength) followed by `parts`. */
export function frame(requestId: number, responseTo: number, opCode: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(16 + body.length), int32(requestId), int32(responseTo), int32(opCode), body]);
}

/** Bit-at-a-time CRC-32C: slow, obviously right, independent of the table-driven one. */
export function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** { ping: 1 } as int32. */
export const PING_DOC = hex('0f000000 10 70696e6700 01000000 00');
/** { ok: 1.0 } as double. */
export const OK_DOC = hex('11000000 01 6f6b00 000000000000f03f 00');
/** { hello: 1 } as int32. */
export const HELLO_DOC = hex('10000000 10 68656c6c6f00 01000000 00');
/** { a: 1 } and { a: 2 } as int32. */
export const A1_DOC = hex('0c000000 10 6100 01000000 00');
export const A2_DOC = hex('0c000000 10 6100 02000000 00');
