// Correctly rounded decimal128 arithmetic (round half even), exact on the
// BigInt coefficient, following IEEE 754-2008's rules for special values and
// for the exponent ("cohort") of exact results.
import type { DecimalValue, RoundingMode } from './decimal-value.js';
import { DECIMAL_NAN, digitCount, finite, infinity, MAX_DIGITS, MAX_EXPONENT, MIN_EXPONENT, pow10 } from './decimal-value.js';

function signed(value: { negative: boolean; coefficient: bigint }): bigint {
  return value.negative ? -value.coefficient : value.coefficient;
}

export function negate(a: DecimalValue): DecimalValue {
  if (a.kind === 'nan') return a;
  return { ...a, negative: !a.negative };
}

export function abs(a: DecimalValue): DecimalValue {
  if (a.kind === 'nan') return a;
  return { ...a, negative: false };
}

export function add(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  if (a.kind === 'infinity') return b.kind === 'infinity' && b.negative !== a.negative ? DECIMAL_NAN : a;
  if (b.kind === 'infinity') return b;
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = signed(a) * pow10(a.exponent - exponent) + signed(b) * pow10(b.exponent - exponent);
  // An exact zero from operands of opposite signs is +0 under round half even.
  const negative = sum === 0n ? a.negative && b.negative : sum < 0n;
  return finite(negative, sum < 0n ? -sum : sum, exponent);
}

export function subtract(a: DecimalValue, b: DecimalValue): DecimalValue {
  return add(a, negate(b));
}

export function multiply(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    const other = a.kind === 'infinity' ? b : a;
    return other.kind === 'finite' && other.coefficient === 0n ? DECIMAL_NAN : infinity(negative);
  }
  return finite(negative, a.coefficient * b.coefficient, a.exponent + b.exponent);
}

/** a / b; division by zero gives ±Infinity (NaN for 0/0) as IEEE says: callers that must refuse it check first. */
export function divide(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan') return DECIMAL_NAN;
  const negative = a.negative !== b.negative;
  if (a.kind === 'infinity') return b.kind === 'infinity' ? DECIMAL_NAN : infinity(negative);
  if (b.kind === 'infinity') return finite(negative, 0n, MIN_EXPONENT);
  if (b.coefficient === 0n) return a.coefficient === 0n ? DECIMAL_NAN : infinity(negative);
  const ideal = a.exponent - b.exponent;
  if (a.coefficient === 0n) return finite(negative, 0n, ideal);
  // Scale the dividend so the quotient has at least 35 digits: enough to round correctly.
  const shift = Math.max(0, MAX_DIGITS + 1 + digitCount(b.coefficient) - digitCount(a.coefficient));
  const scaled = a.coefficient * pow10(shift);
  let quotient = scaled / b.coefficient;
  let exponent = ideal - shift;
  if (scaled % b.coefficient !== 0n) {
    // A sticky digit below the rounding position: never a tie, always inexact.
    return finite(negative, quotient * 10n + 1n, exponent - 1);
  }
  while (exponent < ideal && quotient % 10n === 0n) {
    quotient /= 10n;
    exponent += 1;
  }
  return finite(negative, quotient, exponent);
}

/** The remainder of a / b truncated toward zero (sign of the dividend), as $mod computes it. */
export function modulo(a: DecimalValue, b: DecimalValue): DecimalValue {
  if (a.kind === 'nan' || b.kind === 'nan' || a.kind === 'infinity') return DECIMAL_NAN;
  if (b.kind === 'infinity') return a;
  if (b.coefficient === 0n) return DECIMAL_NAN;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.coefficient * pow10(a.exponent - exponent);
  const y = b.coefficient * pow10(b.exponent - exponent);
  return finite(a.negative, x % y, exponent);
}

/**
 * The value rounded to a multiple of 10^exponent ($round/$trunc with a place):
 * IEEE quantize, so the result carries exactly that exponent when it fits in 34 digits.
 */
export function quantize(a: DecimalValue, exponent: number, mode: RoundingMode): DecimalValue {
  if (a.kind !== 'finite') return a;
  if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) return DECIMAL_NAN;
  if (a.exponent >= exponent) {
    const coefficient = a.coefficient * pow10(a.exponent - exponent);
    return digitCount(coefficient) > MAX_DIGITS ? DECIMAL_NAN : { kind: 'finite', negative: a.negative, coefficient, exponent };
  }
  const coefficient = dropFor(a.coefficient, exponent - a.exponent, mode);
  return digitCount(coefficient) > MAX_DIGITS ? DECIMAL_NAN : { kind: 'finite', negative: a.negative, coefficient, exponent };
}

function dropFor(coefficient: bigint, count: number, mode: RoundingMode): bigint {
  const p = pow10(count);
  const q = coefficient / p;
  if (mode === 'down') return q;
  const twice = (coefficient % p) * 2n;
  return twice > p || (twice === p && (q & 1n) === 1n) ? q + 1n : q;
}

/** Total numeric order of two decimals (NaN first and equal to itself; cohorts equal). */
export function compareDecimals(a: DecimalValue, b: DecimalValue): -1 | 0 | 1 {
  if (a.kind === 'nan') return b.kind === 'nan' ? 0 : -1;
  if (b.kind === 'nan') return 1;
  const rank = (v: DecimalValue): number => (v.kind === 'infinity' ? (v.negative ? -1 : 1) : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = signed(a) * pow10(a.exponent - exponent);
  const y = signed(b) * pow10(b.exponent - exponent);
  return x < y ? -1 : x > y ? 1 : 0;
}
