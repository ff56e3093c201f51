// Sums with mongod's decimal rules ($add, $sum, $avg): decimal operands add
// exactly onto a zero of exponent 0; the other numbers are totalled apart
// (exactly, where mongod keeps a double-double) and join the decimal total
// once, as a decimal of at most 34 digits without trailing zeros.
import { bsonTypeOf } from '../bson-types.js';
import { add } from './decimal-ops.js';
import type { DecimalValue } from './decimal-value.js';
import { DECIMAL_NAN, finite, normalized, pow10 } from './decimal-value.js';
import { exactValue } from './numeric.js';

const ZERO: DecimalValue = { kind: 'finite', negative: false, coefficient: 0n, exponent: 0 };

/** Adds exact values without rounding (special values follow IEEE: ∞ - ∞ is NaN). */
class ExactTotal {
  private coefficient = 0n;
  private exponent = 0;
  private special: DecimalValue | undefined;

  add(value: DecimalValue): void {
    if (value.kind === 'nan' || this.special?.kind === 'nan') {
      this.special = DECIMAL_NAN;
      return;
    }
    if (value.kind === 'infinity') {
      this.special = this.special !== undefined && this.special.kind === 'infinity' && this.special.negative !== value.negative ? DECIMAL_NAN : value;
      return;
    }
    const signed = value.negative ? -value.coefficient : value.coefficient;
    if (value.exponent < this.exponent) {
      this.coefficient *= pow10(this.exponent - value.exponent);
      this.exponent = value.exponent;
    }
    this.coefficient += signed * pow10(value.exponent - this.exponent);
  }

  value(): DecimalValue {
    if (this.special !== undefined) return this.special;
    const negative = this.coefficient < 0n;
    return normalized(finite(negative, negative ? -this.coefficient : this.coefficient, this.exponent));
  }
}

export interface DecimalSum {
  total: DecimalValue;
  /** How many numeric values were added (for $avg). */
  count: number;
}

/** The decimal sum of the numeric values among `values` (others ignored). */
export function decimalSum(values: readonly unknown[]): DecimalSum {
  let decimals = ZERO;
  const others = new ExactTotal();
  let count = 0;
  for (const v of values) {
    const t = bsonTypeOf(v);
    if (t === 'decimal') decimals = add(decimals, exactValue(v));
    else if (t === 'int' || t === 'long' || t === 'double') others.add(exactValue(v));
    else continue;
    count += 1;
  }
  return { total: add(decimals, others.value()), count };
}
