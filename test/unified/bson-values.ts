// Type-level helpers over BSON values that may come from two copies of the bson
// library (our ESM import and the official driver's CJS one), so classes are
// recognised by their `_bsontype` tag, never by `instanceof`.
import { EJSON } from '../../src/bson.js';
import type { Document } from '../../src/bson.js';

export function bsonTag(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** A plain document: an object that is not an array, a BSON value class, a Date, a RegExp or bytes. */
export function isDocument(value: unknown): value is Document {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (bsonTag(value) !== undefined) return false;
  return !(value instanceof Date || value instanceof RegExp || value instanceof Uint8Array || value instanceof Map);
}

/** The $type alias names an actual value answers to (numbers from the driver lose int/long/double distinctions). */
export function bsonTypeAliases(value: unknown): string[] {
  if (value === undefined) return ['undefined'];
  if (value === null) return ['null'];
  switch (typeof value) {
    case 'string': return ['string'];
    case 'boolean': return ['bool'];
    case 'bigint': return ['long'];
    case 'number':
      if (!Number.isInteger(value)) return ['double'];
      return Math.abs(value) <= 0x7fffffff ? ['int', 'long', 'double'] : ['long', 'double'];
    default: break;
  }
  if (Array.isArray(value)) return ['array'];
  if (value instanceof Date) return ['date'];
  if (value instanceof RegExp) return ['regex'];
  if (value instanceof Uint8Array) return ['binData'];
  switch (bsonTag(value)) {
    case 'ObjectId': case 'ObjectID': return ['objectId'];
    case 'Int32': return ['int'];
    case 'Long': return ['long'];
    case 'Double': return ['double'];
    case 'Decimal128': return ['decimal'];
    case 'Binary': return ['binData'];
    case 'BSONRegExp': return ['regex'];
    case 'Timestamp': return ['timestamp'];
    case 'MinKey': return ['minKey'];
    case 'MaxKey': return ['maxKey'];
    case 'BSONSymbol': return ['symbol'];
    case 'DBRef': return ['object', 'dbPointer'];
    case 'Code': return (value as { scope?: unknown }).scope ? ['javascriptWithScope'] : ['javascript'];
    default: return ['object'];
  }
}

const NUMBER_ALIASES = new Set(['int', 'long', 'double', 'decimal']);

export function hasBsonType(value: unknown, type: string): boolean {
  const aliases = bsonTypeAliases(value);
  if (type === 'number') return aliases.some((a) => NUMBER_ALIASES.has(a));
  return aliases.includes(type);
}

/** A numeric value (int, long, double, bigint) as a number or, for big integers, a bigint; Decimal128 excluded. */
export function numericValue(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  switch (bsonTag(value)) {
    case 'Int32': case 'Double': return (value as { valueOf(): number }).valueOf();
    case 'Long': {
      const text = String(value);
      const big = BigInt(text);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    default: return undefined;
  }
}

/** Negative, zero or positive as a < b, a == b, a > b, numerically across representations. */
export function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  const toBig = (n: number | bigint): bigint | undefined => (typeof n === 'bigint' ? n : Number.isInteger(n) ? BigInt(n) : undefined);
  const ba = toBig(a);
  const bb = toBig(b);
  if (ba !== undefined && bb !== undefined) return ba === bb ? 0 : ba < bb ? -1 : 1;
  const na = Number(a);
  const nb = Number(b);
  return na === nb ? 0 : na < nb ? -1 : 1;
}

export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (bsonTag(value) === 'Binary') {
    const b = value as { buffer?: unknown; value?: (asRaw?: boolean) => unknown; position?: number };
    if (b.buffer instanceof Uint8Array) return b.buffer.subarray(0, b.position ?? b.buffer.length);
  }
  return undefined;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Equality of two non-document, non-array values (flexible numerics included). */
export function scalarEquals(expected: unknown, actual: unknown): boolean {
  const en = numericValue(expected);
  const an = numericValue(actual);
  if (en !== undefined || an !== undefined) return en !== undefined && an !== undefined && compareNumeric(en, an) === 0;
  if (expected === null || actual === null || typeof expected !== 'object' || typeof actual !== 'object') {
    return Object.is(expected, actual) || (expected === actual);
  }
  if (expected instanceof Date || actual instanceof Date) {
    return expected instanceof Date && actual instanceof Date && expected.getTime() === actual.getTime();
  }
  const eb = bytesOf(expected);
  const ab = bytesOf(actual);
  if (eb || ab) {
    const subtype = (v: unknown): number => (bsonTag(v) === 'Binary' ? Number((v as { sub_type?: number }).sub_type ?? 0) : 0);
    return eb !== undefined && ab !== undefined && toHex(eb) === toHex(ab) && subtype(expected) === subtype(actual);
  }
  const et = bsonTag(expected) ?? (expected instanceof RegExp ? 'BSONRegExp' : undefined);
  const at = bsonTag(actual) ?? (actual instanceof RegExp ? 'BSONRegExp' : undefined);
  if (et !== at && !(et === 'ObjectID' && at === 'ObjectId') && !(et === 'ObjectId' && at === 'ObjectID')) return false;
  return canonical(expected) === canonical(actual);
}

/** Canonical Extended JSON with sorted keys, for exact comparison of BSON value classes. */
export function canonical(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  if (value instanceof RegExp) return JSON.stringify({ $regularExpression: { pattern: value.source, options: value.flags } });
  const json = JSON.parse(EJSON.stringify({ v: value as Document }, { relaxed: false })) as { v: unknown };
  return JSON.stringify(sortKeys(json.v));
}

/** Short human-readable rendering of a value for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'unset';
  try {
    const text = EJSON.stringify({ v: value as Document }, { relaxed: true });
    const inner = text.slice(5, -1);
    return inner.length > 300 ? `${inner.slice(0, 300)}…` : inner;
  } catch {
    return String(value);
  }
}
