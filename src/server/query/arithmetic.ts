// Type-preserving arithmetic for $inc/$mul: int op int stays int (widening to
// long on overflow), long stays long, anything with a double is a double,
// anything with a decimal is a decimal (exact decimal128 arithmetic).
import { bsonTypeOf, Double, Long, toBigIntIfLong, toNumber } from './bson-types.js';
import { add, multiply } from './decimal/decimal-ops.js';
import { coerceToDecimal, toDecimal128 } from './decimal/numeric.js';

function asBigInt(v: unknown): bigint {
  return toBigIntIfLong(v) ?? BigInt(Math.trunc(toNumber(v)));
}

export function arithmetic(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const ta = bsonTypeOf(a);
  const tb = bsonTypeOf(b);
  if (ta === 'decimal' || tb === 'decimal') {
    const x = coerceToDecimal(a);
    const y = coerceToDecimal(b);
    return toDecimal128(op === 'add' ? add(x, y) : multiply(x, y));
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

/** Zero of the operand's numeric type (for $mul on a missing field): mongod multiplies the operand by 0. */
export function zeroLike(v: unknown): unknown {
  switch (bsonTypeOf(v)) {
    case 'decimal': return toDecimal128(multiply(coerceToDecimal(v), coerceToDecimal(0)));
    case 'double': return new Double(0);
    case 'long': return Long.fromNumber(0);
    default: return 0;
  }
}
