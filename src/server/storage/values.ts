// Documents cross the storage boundary as copies: callers never share objects
// with stored data. The canonical in-memory form keeps each numeric BSON type
// recognisable so replies re-encode what was stored: Int32 and fractional
// doubles are plain numbers (bson re-encodes them as int32 / double), integral
// doubles stay Double, int64 stays Long, regexes stay BSONRegExp.
import { deserialize, Double, Int32, serialize } from '../../bson.js';
import type { Document } from '../../bson.js';

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

function normalize(value: unknown): unknown {
  if (value instanceof Int32) return value.valueOf();
  if (value instanceof Double) {
    const n = value.valueOf();
    return Number.isInteger(n) && !Object.is(n, -0) ? value : n;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalize(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null && !('_bsontype' in value) && !(value instanceof Date) && !(value instanceof RegExp)) {
    const doc = value as Record<string, unknown>;
    for (const key of Object.keys(doc)) doc[key] = normalize(doc[key]);
  }
  return value;
}

/** The canonical object form of a serialized document (a fresh object graph). */
export function decode(bytes: Uint8Array): Document {
  return normalize(deserialize(bytes, { promoteValues: false, bsonRegExp: true })) as Document;
}

/** Serialized size of a document in bytes. */
export function bsonSize(doc: Document): number {
  return serialize(doc).length;
}

/** A deep copy in canonical form, and its BSON size. */
export function toCanonical(doc: Document): { doc: Document; size: number } {
  const bytes = serialize(doc);
  return { doc: decode(bytes), size: bytes.length };
}

/** A deep copy in canonical form. */
export function copyDocument(doc: Document): Document {
  return decode(serialize(doc));
}

/** A deep copy of any value (wrapped in a document for the round trip). */
export function copyValue<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  return copyDocument({ v: value }).v as T;
}
