// MongoDB's total order over BSON values (the sort order and the equality used by
// queries and indexes): types rank first, numbers compare by value across
// Int32/Long/Double/Decimal128, documents and arrays compare element by element.
import { bsonTypeOf, toBigIntIfLong, toNumber, typeRank } from './bson-types.js';
import { compareNumeric, numericKey } from './decimal/numeric.js';
import type { Binary, ObjectId, Timestamp } from '../../bson.js';
import type { StringComparator } from './collation.js';

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function isJsNumeric(t: string): boolean {
  return t === 'int' || t === 'double';
}

function compareNumbers(a: unknown, b: unknown): -1 | 0 | 1 {
  if (isJsNumeric(bsonTypeOf(a)) && isJsNumeric(bsonTypeOf(b))) {
    const x = toNumber(a);
    const y = toNumber(b);
    // NaN sorts before every other number and equals itself.
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
    if (Number.isNaN(y)) return 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const la = toBigIntIfLong(a);
  const lb = toBigIntIfLong(b);
  if (la !== undefined && lb !== undefined) return la < lb ? -1 : la > lb ? 1 : 0;
  // Mixed types (Int32/Double wrappers, longs, decimals) compare by exact value.
  return compareNumeric(a, b);
}

function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return sign(d);
  }
  return sign(a.length - b.length);
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as { pattern?: string; options?: string };
  return [r.pattern ?? '', r.options ?? ''];
}

function compareDocuments(a: Record<string, unknown>, b: Record<string, unknown>, collator: StringComparator | undefined): -1 | 0 | 1 {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const va = a[fa];
    const vb = b[fb];
    const byType = sign(typeRank(va) - typeRank(vb));
    if (byType !== 0) return byType;
    const byName = compareStrings(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb, collator);
    if (byValue !== 0) return byValue;
  }
  return sign(ka.length - kb.length);
}

/**
 * Compares two BSON values in MongoDB's canonical order. Missing and null are equal.
 * A collator (from the command's collation) orders string values, never field names.
 */
export function compareValues(a: unknown, b: unknown, collator?: StringComparator): -1 | 0 | 1 {
  const byType = sign(typeRank(a) - typeRank(b));
  if (byType !== 0) return byType;
  const t = bsonTypeOf(a);
  switch (t) {
    case 'int': case 'long': case 'double': case 'decimal':
      return compareNumbers(a, b);
    case 'string': case 'symbol':
      return (collator ?? compareStrings)(String(a), String(b));
    case 'array': {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i], collator);
        if (c !== 0) return c;
      }
      return sign(xa.length - xb.length);
    }
    case 'object':
      return compareDocuments(a as Record<string, unknown>, b as Record<string, unknown>, collator);
    case 'binData': {
      const ba = a as Binary;
      const bb = b as Binary;
      const byLength = sign(ba.position - bb.position);
      if (byLength !== 0) return byLength;
      const bySubtype = sign(ba.sub_type - bb.sub_type);
      if (bySubtype !== 0) return bySubtype;
      return compareBytes(ba.buffer.subarray(0, ba.position), bb.buffer.subarray(0, bb.position));
    }
    case 'objectId':
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 'bool':
      return sign(Number(a) - Number(b));
    case 'date':
      return sign((a as Date).getTime() - (b as Date).getTime());
    case 'timestamp': {
      const ta = a as Timestamp;
      const tb = b as Timestamp;
      return ta.high !== tb.high ? sign((ta.high >>> 0) - (tb.high >>> 0)) : sign((ta.low >>> 0) - (tb.low >>> 0));
    }
    case 'regex': {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return compareStrings(pa, pb) || compareStrings(fa, fb);
    }
    case 'javascript': case 'javascriptWithScope':
      return compareStrings(String((a as { code?: unknown }).code), String((b as { code?: unknown }).code));
    default:
      return 0;
  }
}

export function valuesEqual(a: unknown, b: unknown, collator?: StringComparator): boolean {
  return compareValues(a, b, collator) === 0;
}

/**
 * A string that is equal for two values exactly when `valuesEqual` holds
 * (hash key for indexes, $group-like buckets and distinct).
 */
export function valueKey(v: unknown): string {
  const t = bsonTypeOf(v);
  switch (t) {
    case 'missing': case 'null': case 'undefined': return 'null';
    case 'int': case 'long': case 'double': case 'decimal': return numericKey(v);
    case 'string': case 'symbol': return `s:${JSON.stringify(String(v))}`;
    case 'array': return `[${(v as unknown[]).map(valueKey).join(',')}]`;
    case 'object': {
      const o = v as Record<string, unknown>;
      return `{${Object.keys(o).filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${valueKey(o[k])}`).join(',')}}`;
    }
    case 'binData': {
      const b = v as Binary;
      return `b:${b.sub_type}:${Buffer.from(b.buffer.subarray(0, b.position)).toString('base64')}`;
    }
    case 'objectId': return `o:${(v as ObjectId).toHexString()}`;
    case 'bool': return `t:${String(v)}`;
    case 'date': return `d:${(v as Date).getTime()}`;
    case 'timestamp': return `ts:${(v as Timestamp).toString()}`;
    case 'regex': { const [p, f] = regexParts(v); return `r:${JSON.stringify(p)}/${f}`; }
    case 'minKey': return 'min';
    case 'maxKey': return 'max';
    default: return `x:${String((v as { code?: unknown }).code)}`;
  }
}
