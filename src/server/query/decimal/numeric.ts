// Bridges between the BSON numeric types (int, long, double, decimal) and
// DecimalValue: mongod's conversions (a double becomes a decimal of 15
// significant digits) and the exact cross-type value used for ordering.
import { Decimal128 } from '../../../bson.js';
import { bsonTypeOf, toBigIntIfLong, toNumber } from '../bson-types.js';
import { compareDecimals } from './decimal-ops.js';
import type { DecimalValue } from './decimal-value.js';
import { DECIMAL_NAN, decodeDecimal, digitCount, dropDigits, encodeDecimal, finite, infinity, normalized, pow10 } from './decimal-value.js';

function asDecimal128(value: unknown): Decimal128 | undefined {
  if (value instanceof Decimal128) return value;
  if (bsonTypeOf(value) !== 'decimal') return undefined;
  // A Decimal128 from another copy of bson: same bytes, different class.
  const bytes = (value as { bytes?: unknown }).bytes;
  return bytes instanceof Uint8Array ? new Decimal128(bytes) : undefined;
}

export function isDecimal(value: unknown): boolean {
  return bsonTypeOf(value) === 'decimal';
}

/** The exact value of a finite double as a decimal (every binary fraction has a finite decimal expansion). */
function exactFromDouble(d: number): DecimalValue {
  if (Number.isNaN(d)) return DECIMAL_NAN;
  if (!Number.isFinite(d)) return infinity(d < 0);
  const negative = d < 0 || Object.is(d, -0);
  if (Number.isSafeInteger(d)) return { kind: 'finite', negative, coefficient: BigInt(Math.abs(d)), exponent: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(d));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let binaryExponent: number;
  if (biased === 0) binaryExponent = -1074;
  else {
    mantissa |= 1n << 52n;
    binaryExponent = biased - 1075;
  }
  if (binaryExponent >= 0) return { kind: 'finite', negative, coefficient: mantissa << BigInt(binaryExponent), exponent: 0 };
  // m / 2^k = m × 5^k / 10^k
  return { kind: 'finite', negative, coefficient: mantissa * 5n ** BigInt(-binaryExponent), exponent: binaryExponent };
}

/** The exact value of any BSON number (NaN for non-numbers). */
/** Decoded values of the Decimal128 objects seen (sorting compares the same values many times). */
const decoded = new WeakMap<object, DecimalValue>();

export function exactValue(value: unknown): DecimalValue {
  if (typeof value === 'object' && value !== null) {
    const cached = decoded.get(value);
    if (cached !== undefined) return cached;
    const decimal = asDecimal128(value);
    if (decimal) {
      const result = decodeDecimal(decimal);
      decoded.set(value, result);
      return result;
    }
  }
  const big = toBigIntIfLong(value);
  if (big !== undefined) return { kind: 'finite', negative: big < 0n, coefficient: big < 0n ? -big : big, exponent: 0 };
  return exactFromDouble(toNumber(value));
}

/**
 * A double as mongod converts it to decimal: rounded to `digits` significant
 * digits; with 15 (the default, as $toDecimal and mixed arithmetic do) the
 * coefficient is padded to exactly 15 digits, so 2.5 becomes 2.50000000000000.
 */
export function decimalFromDouble(d: number, digits: 15 | 34 = 15): DecimalValue {
  const exact = exactFromDouble(d);
  if (exact.kind !== 'finite') return exact;
  if (exact.coefficient === 0n) return finite(exact.negative, 0n, 0);
  const count = digitCount(exact.coefficient);
  if (count > digits) {
    let coefficient = dropDigits(exact.coefficient, count - digits);
    let exponent = exact.exponent + count - digits;
    if (coefficient === pow10(digits)) {
      coefficient /= 10n;
      exponent += 1;
    }
    return finite(exact.negative, coefficient, exponent);
  }
  if (digits === 15) return finite(exact.negative, exact.coefficient * pow10(digits - count), exact.exponent - (digits - count));
  return finite(exact.negative, exact.coefficient, exact.exponent);
}

/** A numeric operand as mongod coerces it for decimal arithmetic (Value::coerceToDecimal). */
export function coerceToDecimal(value: unknown): DecimalValue {
  const t = bsonTypeOf(value);
  if (t === 'decimal' || t === 'int' || t === 'long') return exactValue(value);
  return decimalFromDouble(toNumber(value));
}

export function toDecimal128(value: DecimalValue): Decimal128 {
  return encodeDecimal(value);
}

/** The double nearest to a decimal (JS parsing rounds correctly). */
export function decimalToDouble(value: DecimalValue): number {
  if (value.kind === 'nan') return NaN;
  if (value.kind === 'infinity') return value.negative ? -Infinity : Infinity;
  const n = Number(`${value.coefficient}e${value.exponent}`);
  return value.negative ? -n : n;
}

/** Numeric order across int/long/double/decimal by exact value (NaN first). */
export function compareNumeric(a: unknown, b: unknown): -1 | 0 | 1 {
  return compareDecimals(exactValue(a), exactValue(b));
}

function doubleKey(n: number): string {
  return `n:${n === 0 ? 0 : n}`;
}

/**
 * A key equal for two numbers exactly when they are numerically equal (hash buckets,
 * distinct, index keys): a value some double equals exactly is keyed by that double
 * (so doubles stay cheap); any other value by its normalized decimal digits.
 */
export function numericKey(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'n:NaN' : doubleKey(value);
  const t = bsonTypeOf(value);
  if (t === 'int' || t === 'double') return numericKey(toNumber(value));
  const big = toBigIntIfLong(value);
  if (big !== undefined && BigInt(Number(big)) === big) return doubleKey(Number(big));
  const exact = exactValue(value);
  if (exact.kind === 'nan') return 'n:NaN';
  const nearest = decimalToDouble(exact);
  if (compareDecimals(exactFromDouble(nearest), exact) === 0) return doubleKey(nearest);
  const v = normalized(exact);
  if (v.kind !== 'finite') return 'n:NaN';
  return `n:x${v.negative ? '-' : ''}${v.coefficient}e${v.exponent}`;
}
