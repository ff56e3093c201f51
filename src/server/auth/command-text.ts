// A command document written the way mongod's BSONObj::toString writes it in
// "not authorized on <db> to execute command { find: "c", ... }": unquoted
// keys, JSON strings, constructor-style special types. Password fields are
// replaced as mongod's redactForLogging does ("xxx").
import { Binary, Decimal128, Double, Int32, Long, ObjectId, Timestamp, type Document } from '../../bson.js';

const REDACTED_FIELDS = new Set(['pwd']);

function valueText(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Double) return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  if (value instanceof Int32) return String(value.value);
  if (value instanceof Long) return value.toString();
  if (value instanceof Decimal128) return `NumberDecimal("${value.toString()}")`;
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Timestamp) return `Timestamp(${value.high}, ${value.low})`;
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof Binary) {
    if (value.sub_type === Binary.SUBTYPE_UUID) return `UUID("${value.toUUID().toHexString(true)}")`;
    return `BinData(${value.sub_type}, ${Buffer.from(value.buffer.subarray(0, value.position)).toString('hex').toUpperCase()})`;
  }
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(valueText).join(', ')} ]`;
  if (typeof value === 'object') return commandText(value as Document);
  return String(value);
}

export function commandText(document: Document): string {
  const entries = Object.entries(document);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([key, value]) => `${key}: ${REDACTED_FIELDS.has(key) ? '"xxx"' : valueText(value)}`).join(', ')} }`;
}
