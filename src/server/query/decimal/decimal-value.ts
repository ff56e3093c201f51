// IEEE 754-2008 decimal128 values as the embedded server computes with them:
// a sign, a BigInt coefficient and a power-of-ten exponent, decoded from and
// encoded to the BID bytes that bson's Decimal128 carries. Keeping the
// exponent (not just the value) preserves the cohort mongod reports, so
// 1.0 + 2.00 prints as 3.00.
import { Decimal128 } from '../../../bson.js';

export type DecimalValue =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly coefficient: bigint; readonly exponent: number }
  | { readonly kind: 'infinity'; readonly negative: boolean }
  | { readonly kind: 'nan' };

export const MAX_DIGITS = 34;
/** Exponent range of the integer coefficient (emax 6144 - 33, emin -6143 - 33). */
export const MAX_EXPONENT = 6111;
export const MIN_EXPONENT = -6176;
const EXPONENT_BIAS = 6176;
const MASK_64 = (1n << 64n) - 1n;
const MASK_49 = (1n << 49n) - 1n;
const MAX_COEFFICIENT = 10n ** BigInt(MAX_DIGITS) - 1n;

export const DECIMAL_NAN: DecimalValue = { kind: 'nan' };
export const POSITIVE_INFINITY: DecimalValue = { kind: 'infinity', negative: false };
export const NEGATIVE_INFINITY: DecimalValue = { kind: 'infinity', negative: true };

export function infinity(negative: boolean): DecimalValue {
  return negative ? NEGATIVE_INFINITY : POSITIVE_INFINITY;
}

export function digitCount(coefficient: bigint): number {
  return coefficient === 0n ? 1 : coefficient.toString().length;
}

const POWERS: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) {
    let p = POWERS[n];
    if (p === undefined) {
      p = 10n ** BigInt(n);
      POWERS[n] = p;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

export type RoundingMode = 'halfEven' | 'down';

/** Drops `count` low digits of a non-negative coefficient, rounding as `mode` says. */
export function dropDigits(coefficient: bigint, count: number, mode: RoundingMode = 'halfEven'): bigint {
  if (count <= 0) return coefficient;
  const p = pow10(count);
  const quotient = coefficient / p;
  if (mode === 'down') return quotient;
  const remainder = coefficient % p;
  const twice = remainder * 2n;
  if (twice > p || (twice === p && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

/**
 * The decimal128 nearest to the exact value (-1)^negative × coefficient × 10^exponent:
 * at most 34 digits (half-even), exponent clamped into range (padding zeros where
 * the coefficient has room, overflowing to infinity where it has not).
 */
export function finite(negative: boolean, coefficient: bigint, exponent: number, mode: RoundingMode = 'halfEven'): DecimalValue {
  let c = coefficient;
  let e = exponent;
  const drop = Math.max(digitCount(c) - MAX_DIGITS, MIN_EXPONENT - e, 0);
  if (drop > 0) {
    c = dropDigits(c, drop, mode);
    e += drop;
    if (c > MAX_COEFFICIENT) {
      c /= 10n;
      e += 1;
    }
  }
  if (e > MAX_EXPONENT) {
    if (c === 0n) e = MAX_EXPONENT;
    else {
      const pad = e - MAX_EXPONENT;
      if (digitCount(c) + pad > MAX_DIGITS) return infinity(negative);
      c *= pow10(pad);
      e = MAX_EXPONENT;
    }
  }
  return { kind: 'finite', negative, coefficient: c, exponent: e };
}

export function decodeDecimal(value: Decimal128): DecimalValue {
  const bytes = value.bytes;
  let low = 0n;
  let high = 0n;
  for (let i = 7; i >= 0; i--) low = (low << 8n) | BigInt(bytes[i] ?? 0);
  for (let i = 15; i >= 8; i--) high = (high << 8n) | BigInt(bytes[i] ?? 0);
  const negative = (high >> 63n) === 1n;
  const combination = Number((high >> 58n) & 0x1fn);
  if (combination === 0x1f) return DECIMAL_NAN;
  if (combination === 0x1e) return infinity(negative);
  if (((high >> 61n) & 3n) === 3n) {
    // The "11" form only encodes coefficients ≥ 2^113, which are non-canonical: zero.
    const exponent = Number((high >> 47n) & 0x3fffn) - EXPONENT_BIAS;
    return { kind: 'finite', negative, coefficient: 0n, exponent };
  }
  const exponent = Number((high >> 49n) & 0x3fffn) - EXPONENT_BIAS;
  let coefficient = ((high & MASK_49) << 64n) | low;
  if (coefficient > MAX_COEFFICIENT) coefficient = 0n;
  return { kind: 'finite', negative, coefficient, exponent };
}

export function encodeDecimal(value: DecimalValue): Decimal128 {
  let high: bigint;
  let low = 0n;
  if (value.kind === 'nan') high = 0x7c00000000000000n;
  else if (value.kind === 'infinity') high = value.negative ? 0xf800000000000000n : 0x7800000000000000n;
  else {
    // Callers build values through finite(), so the coefficient and exponent are in range.
    const sign = value.negative ? 1n << 63n : 0n;
    high = sign | (BigInt(value.exponent + EXPONENT_BIAS) << 49n) | (value.coefficient >> 64n);
    low = value.coefficient & MASK_64;
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[i] = Number((low >> BigInt(8 * i)) & 0xffn);
    bytes[i + 8] = Number((high >> BigInt(8 * i)) & 0xffn);
  }
  return new Decimal128(bytes);
}

export function isZero(value: DecimalValue): boolean {
  return value.kind === 'finite' && value.coefficient === 0n;
}

/** The same value with trailing zeros stripped (the cohort member with the largest exponent). */
export function normalized(value: DecimalValue): DecimalValue {
  if (value.kind !== 'finite') return value;
  if (value.coefficient === 0n) return { ...value, exponent: 0 };
  let c = value.coefficient;
  let e = value.exponent;
  while (c % 10n === 0n) {
    c /= 10n;
    e += 1;
  }
  return { kind: 'finite', negative: value.negative, coefficient: c, exponent: e };
}
