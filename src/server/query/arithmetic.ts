// Type-preserving arithmetic for $inc/$mul: int op int stays int (widening to
// long on overflow), long stays long, anything with a double is a double,
// anything with a decimal is a decimal.
import { bsonTypeOf, Decimal128, Double, Long, toBigIntIfLong, toNumber } from './bson-types.js';

function asBigInt(v: unknown): bigint {
  return toBigIntIfLong(v) ?? BigInt(Math.trunc(toNumber(v)));
}

export function arithmetic(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (ta === 'decimal' || tb === 'decimal') {
    const r = op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b);
    return Decimal128.fromString(String(r));
  }
  if (ta === 'double' || tb === 'double') {
    const r = op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b);
    return Number.isInteger(r) ? new Double(r) : r;
  }
  if (ta === 'long' || tb === 'long') {
    const r = op === 'add' ? asBigInt(a) + asBigInt(b) : asBigInt(a) * asBigInt(b);
    return Long.fromBigInt(BigInt.asIntN(64, r));
  }
  const r = op === 'add' ? toNumber(a) + toNumber(b) : toNumber(a) * toNumber(b);
  if (r >= -0x80000000 && r <= 0x7fffffff) return r;
  return Long.fromBigInt(op === 'add' ? asBigInt(a) + asBigInt(b) : asBigInt(a) * asBigInt(b));
}

/** Zero of the operand's numeric type (for $mul on a missing field). */
export function zeroLike(v: unknown): unknown {
  switch (bsonTypeOf(v)) {
    case 'decimal': return Decimal128.fromString('0');
    case 'double': return new Double(0);
    case 'long': return Long.fromNumber(0);
    default: return 0;
  }
}
