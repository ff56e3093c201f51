// Cursor ids are random positive int64 values, as on a real server, so a client
// cannot guess another client's cursor and ids do not repeat across restarts.
import { randomBytes } from 'node:crypto';
import { Long } from '../../bson.js';

const INT64_MASK = (1n << 63n) - 1n;

export function newCursorId(isTaken: (key: string) => boolean): Long {
  for (;;) {
    const value = randomBytes(8).readBigUInt64BE() & INT64_MASK;
    if (value !== 0n && !isTaken(value.toString())) return Long.fromBigInt(value);
  }
}

/** The map key for a cursor id given as Long, bigint or number; undefined when not an integer. */
export function cursorIdKey(value: unknown): string | undefined {
  if (value instanceof Long) return value.toBigInt().toString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value.toString();
  return undefined;
}
