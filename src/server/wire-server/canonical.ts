// Incoming documents in the server's canonical in-memory form (the storage
// engine's too): int32 and fractional doubles become plain numbers, integral
// doubles stay Double and int64 stays Long, so a reply re-encodes each value
// with the BSON type the client sent. Commands are decoded with
// promoteValues: false and bsonRegExp: true, then passed through here.
import { Double, Int32, type DeserializeOptions, type Document } from '../../bson.js';

export const COMMAND_DESERIALIZE_OPTIONS: DeserializeOptions = { promoteValues: false, bsonRegExp: true };

export function canonicalValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Int32) return value.value;
  if (value instanceof Double) {
    const n = value.value;
    return Number.isInteger(n) && !Object.is(n, -0) ? value : n;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = canonicalValue(value[i]);
    return value;
  }
  if ('_bsontype' in value || value instanceof Date || value instanceof RegExp) return value;
  const doc = value as Record<string, unknown>;
  for (const key of Object.keys(doc)) doc[key] = canonicalValue(doc[key]);
  return value;
}

export function canonicalDocument(doc: Document): Document {
  return canonicalValue(doc) as Document;
}
