// BSON type identification for values held by the embedded server. Values come
// from deserialization (with or without promotion) or from our own canonical
// form, so every numeric shape (number, bigint, Int32, Double, Long, Decimal128)
// must be recognised here.
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from '../../bson.js';
import type { Document } from '../../bson.js';

export type BsonTypeName =
  | 'minKey' | 'null' | 'undefined' | 'double' | 'int' | 'long' | 'decimal' | 'string' | 'symbol'
  | 'object' | 'array' | 'binData' | 'objectId' | 'bool' | 'date' | 'timestamp' | 'regex'
  | 'javascript' | 'javascriptWithScope' | 'dbPointer' | 'maxKey' | 'missing';

/** Numeric type codes as $type accepts them. */
export const TYPE_CODES: Readonly<Record<string, number>> = {
  double: 1, string: 2, object: 3, array: 4, binData: 5, undefined: 6, objectId: 7, bool: 8, date: 9,
  null: 10, regex: 11, dbPointer: 12, javascript: 13, symbol: 14, javascriptWithScope: 15, int: 16,
  timestamp: 17, long: 18, decimal: 19, minKey: -1, maxKey: 127,
};

function bsontypeOf(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

export function bsonTypeOf(value: unknown): BsonTypeName {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number': return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? 'int' : 'double';
    case 'bigint': return 'long';
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'function': return 'javascript';
    case 'object': break;
    default: return 'undefined';
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  switch (bsontypeOf(value)) {
    case 'Int32': return 'int';
    case 'Double': return 'double';
    case 'Long': return 'long';
    case 'Decimal128': return 'decimal';
    case 'ObjectId': case 'ObjectID': return 'objectId';
    case 'Binary': case 'UUID': return 'binData';
    case 'Timestamp': return 'timestamp';
    case 'BSONRegExp': return 'regex';
    case 'MinKey': return 'minKey';
    case 'MaxKey': return 'maxKey';
    case 'Code': return (value as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript';
    case 'BSONSymbol': case 'Symbol': return 'symbol';
    case 'DBRef': return 'object';
    default: return 'object';
  }
}

export function isNumeric(value: unknown): boolean {
  const t = bsonTypeOf(value);
  return t === 'int' || t === 'long' || t === 'double' || t === 'decimal';
}

/** The numeric value as a JS number (Decimal128 and Long approximated). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) return value.toNumber();
  if (value instanceof Decimal128) return Number(value.toString());
  const tag = typeof value === 'object' && value !== null ? bsontypeOf(value) : undefined;
  if (tag === 'Int32' || tag === 'Double') return Number((value as { valueOf(): unknown }).valueOf());
  if (tag === 'Long') return (value as Long).toNumber();
  if (tag === 'Decimal128') return Number(String(value));
  return NaN;
}

/** Exact integer value when the value is an integral Long/bigint, else undefined. */
export function toBigIntIfLong(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (value instanceof Long || (typeof value === 'object' && value !== null && bsontypeOf(value) === 'Long')) {
    return BigInt((value as Long).toString());
  }
  return undefined;
}

export function isPlainDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && bsonTypeOf(value) === 'object';
}

/** Canonical order rank of a BSON type (numbers share one rank, null/missing share one). */
export function typeRank(value: unknown): number {
  switch (bsonTypeOf(value)) {
    case 'minKey': return 1;
    case 'missing': case 'undefined': case 'null': return 2;
    case 'int': case 'long': case 'double': case 'decimal': return 3;
    case 'string': case 'symbol': return 4;
    case 'object': return 5;
    case 'array': return 6;
    case 'binData': return 7;
    case 'objectId': return 8;
    case 'bool': return 9;
    case 'date': return 10;
    case 'timestamp': return 11;
    case 'regex': return 12;
    case 'dbPointer': return 13;
    case 'javascript': return 14;
    case 'javascriptWithScope': return 15;
    case 'maxKey': return 16;
  }
}

export { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp };
