// The decimal128 core: BID encoding checked against bson's Decimal128 parser
// and printer, rounding against bson's fromStringWithRounding, arithmetic and
// ordering against exact BigInt-scaled rationals.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal128, Double, Long } from '../../../src/bson.js';
import { compareValues, valueKey } from '../../../src/server/query/compare.js';
import { add, compareDecimals, divide, modulo, multiply, quantize, subtract } from '../../../src/server/query/decimal/decimal-ops.js';
import type { DecimalValue } from '../../../src/server/query/decimal/decimal-value.js';
import { decodeDecimal, encodeDecimal, finite } from '../../../src/server/query/decimal/decimal-value.js';
import { decimalSum } from '../../../src/server/query/decimal/decimal-sum.js';
import { compareNumeric, decimalFromDouble, decimalToDouble, exactValue } from '../../../src/server/query/decimal/numeric.js';

const RUNS = { numRuns: 300 };

const fromString = (s: string): DecimalValue => decodeDecimal(Decimal128.fromString(s));
const print = (v: DecimalValue): string => encodeDecimal(v).toString();

/** A finite decimal as a string: up to `digits` digits, exponent in [minExp, maxExp]. */
function decimalString(digits: number, minExp: number, maxExp: number): fc.Arbitrary<string> {
  return fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** BigInt(digits) - 1n }), fc.integer({ min: minExp, max: maxExp }))
    .map(([negative, coefficient, exponent]) => `${negative ? '-' : ''}${coefficient}E${exponent}`);
}

/** The exact rational value n / d of a finite decimal. */
function rational(v: DecimalValue): [bigint, bigint] {
  if (v.kind !== 'finite') throw new Error('not finite');
  const n = v.negative ? -v.coefficient : v.coefficient;
  return v.exponent >= 0 ? [n * 10n ** BigInt(v.exponent), 1n] : [n, 10n ** BigInt(-v.exponent)];
}

function compareRationals([a, b]: [bigint, bigint], [c, d]: [bigint, bigint]): number {
  const l = a * d;
  const r = c * b;
  return l < r ? -1 : l > r ? 1 : 0;
}

describe('decimal128 encoding', () => {
  it('decodes and re-encodes every finite decimal bson parses, printing as bson does', () => {
    fc.assert(fc.property(decimalString(34, -6176, 6111), (s) => {
      const parsed = Decimal128.fromString(s);
      const round = encodeDecimal(decodeDecimal(parsed));
      expect(round.toString()).toBe(parsed.toString());
      expect(Buffer.from(round.bytes).equals(Buffer.from(parsed.bytes))).toBe(true);
    }), RUNS);
  });

  it('round-trips the special values', () => {
    for (const s of ['NaN', 'Infinity', '-Infinity', '-0', '0E-6176', '9.999999999999999999999999999999999E+6144']) {
      expect(print(fromString(s))).toBe(Decimal128.fromString(s).toString());
    }
  });

  it('rounds long coefficients half to even as bson does', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: -100, max: 100 }), (c, e) => {
      const ours = print(finite(false, c, e));
      expect(ours).toBe(Decimal128.fromStringWithRounding(`${c}E${e}`).toString());
    }), RUNS);
    expect(print(finite(false, 10n ** 34n + 5n, 0))).toBe('1.000000000000000000000000000000000E+34');
    expect(print(finite(false, 10n ** 34n + 15n, 0))).toBe('1.000000000000000000000000000000002E+34');
  });

  it('clamps exponents: pads zeros above the range, overflows to Infinity, underflows to zero', () => {
    expect(print(finite(false, 1n, 6120))).toBe('1.000000000E+6120');
    expect(print(finite(true, 10n ** 33n, 6120))).toBe('-Infinity');
    expect(print(finite(false, 1n, -6177))).toBe('0E-6176');
    expect(print(finite(false, 6n, -6177))).toBe('1E-6176');
  });
});

describe('decimal128 arithmetic', () => {
  // 15 digits and exponents within 18 of each other: sums need at most 34 digits, products 30.
  const exactOperand = decimalString(15, -9, 9).map(fromString);

  it('a + b - b == a when nothing rounds, and the sum is the exact rational sum', () => {
    fc.assert(fc.property(exactOperand, exactOperand, (a, b) => {
      const sum = add(a, b);
      const [an, ad] = rational(a);
      const [bn, bd] = rational(b);
      expect(compareRationals(rational(sum), [an * bd + bn * ad, ad * bd])).toBe(0);
      expect(compareDecimals(subtract(sum, b), a)).toBe(0);
    }), RUNS);
  });

  it('(a × b) / b == a for a non-zero b when the product is exact', () => {
    fc.assert(fc.property(exactOperand, exactOperand, (a, b) => {
      fc.pre(b.kind === 'finite' && b.coefficient !== 0n);
      const product = multiply(a, b);
      const [an, ad] = rational(a);
      const [bn, bd] = rational(b);
      expect(compareRationals(rational(product), [an * bn, ad * bd])).toBe(0);
      expect(compareDecimals(divide(product, b), a)).toBe(0);
    }), RUNS);
  });

  it('divides to 34 correctly rounded digits and keeps the ideal exponent of exact quotients', () => {
    expect(print(divide(fromString('1'), fromString('3')))).toBe('0.3333333333333333333333333333333333');
    expect(print(divide(fromString('-2'), fromString('3')))).toBe('-0.6666666666666666666666666666666667');
    expect(print(divide(fromString('1.00'), fromString('2')))).toBe('0.50');
    expect(print(divide(fromString('100'), fromString('4')))).toBe('25');
    expect(print(divide(fromString('1'), fromString('0')))).toBe('Infinity');
    expect(print(divide(fromString('0'), fromString('0')))).toBe('NaN');
  });

  it('keeps cohorts: 1.0 + 2.00 = 3.00, 1.10 × 2.0 = 2.200, x - x = +0', () => {
    expect(print(add(fromString('1.0'), fromString('2.00')))).toBe('3.00');
    expect(print(multiply(fromString('1.10'), fromString('2.0')))).toBe('2.200');
    expect(print(subtract(fromString('-1.5'), fromString('-1.5')))).toBe('0.0');
    expect(print(add(fromString('-0'), fromString('-0.0')))).toBe('-0.0');
  });

  it('computes remainders with the sign of the dividend', () => {
    fc.assert(fc.property(exactOperand, exactOperand, (a, b) => {
      fc.pre(b.kind === 'finite' && b.coefficient !== 0n);
      const [an, ad] = rational(a);
      const [bn, bd] = rational(b);
      // a - b × trunc(a / b) over the common denominator
      const x = an * bd;
      const y = bn * ad;
      expect(compareRationals(rational(modulo(a, b)), [x % y, ad * bd])).toBe(0);
    }), RUNS);
  });

  it('quantizes half to even or toward zero', () => {
    expect(print(quantize(fromString('2.345'), -2, 'halfEven'))).toBe('2.34');
    expect(print(quantize(fromString('2.355'), -2, 'halfEven'))).toBe('2.36');
    expect(print(quantize(fromString('-2.789'), -1, 'down'))).toBe('-2.7');
    expect(print(quantize(fromString('1.2'), -3, 'halfEven'))).toBe('1.200');
    expect(print(quantize(fromString('1234.5'), 2, 'halfEven'))).toBe('1.2E+3');
  });

  it('handles infinities and NaN', () => {
    const inf = fromString('Infinity');
    expect(print(add(inf, fromString('-Infinity')))).toBe('NaN');
    expect(print(multiply(inf, fromString('0')))).toBe('NaN');
    expect(print(multiply(inf, fromString('-2')))).toBe('-Infinity');
    expect(print(subtract(fromString('NaN'), fromString('1')))).toBe('NaN');
    expect(print(modulo(fromString('5'), inf))).toBe('5');
  });
});

describe('decimal sums ($add, $sum, $avg)', () => {
  it('adds decimals exactly from a zero of exponent 0 and joins the other numbers at the end', () => {
    const cents = Array.from({ length: 10_000 }, () => Decimal128.fromString('0.01'));
    expect(print(decimalSum(cents).total)).toBe('100.00');
    expect(print(decimalSum([Decimal128.fromString('1E+2')]).total)).toBe('100');
    expect(print(decimalSum([Decimal128.fromString('1.5'), 0.5, 2, Long.fromNumber(3), 'x']).total)).toBe('7.0');
    expect(print(decimalSum([Decimal128.fromString('0.2'), 0.1]).total)).toBe('0.3000000000000000055511151231257827');
    expect(decimalSum([Decimal128.fromString('1'), null, 'x', 2]).count).toBe(2);
    expect(print(decimalSum([Decimal128.fromString('Infinity'), -Infinity]).total)).toBe('NaN');
  });

  it('equals the rational sum of its decimal operands when nothing rounds', () => {
    fc.assert(fc.property(fc.array(decimalString(10, -4, 4), { maxLength: 20 }), (strings) => {
      const sum = decimalSum(strings.map((t) => Decimal128.fromString(t))).total;
      let total: [bigint, bigint] = [0n, 1n];
      for (const t of strings) {
        const [n, d] = rational(fromString(t));
        total = [total[0] * d + n * total[1], total[1] * d];
      }
      expect(compareRationals(rational(sum), total)).toBe(0);
    }), RUNS);
  });
});

describe('numbers across BSON types', () => {
  const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });

  it('orders doubles exactly as JavaScript does', () => {
    fc.assert(fc.property(finiteDouble, finiteDouble, (x, y) => {
      expect(compareNumeric(new Double(x), new Double(y))).toBe(Math.sign(x - y) || 0);
    }), RUNS);
  });

  it('orders decimals consistently with their exact rational values', () => {
    fc.assert(fc.property(decimalString(34, -40, 40), decimalString(34, -40, 40), (s, t) => {
      const a = fromString(s);
      const b = fromString(t);
      expect(compareDecimals(a, b)).toBe(compareRationals(rational(a), rational(b)));
    }), RUNS);
  });

  it('converts a double to its exact decimal and back without loss', () => {
    fc.assert(fc.property(finiteDouble, (x) => {
      expect(Object.is(decimalToDouble(exactValue(x)), x) || x === 0).toBe(true);
    }), RUNS);
  });

  it('converts doubles to decimals of 15 significant digits as mongod does', () => {
    expect(print(decimalFromDouble(2.5))).toBe('2.50000000000000');
    expect(print(decimalFromDouble(0.1))).toBe('0.100000000000000');
    expect(print(decimalFromDouble(1 / 3))).toBe('0.333333333333333');
    expect(print(decimalFromDouble(0.1, 34))).toBe('0.1000000000000000055511151231257827');
  });

  it('gives equal keys exactly to numerically equal values of any type', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: -5, max: 5 }).map((n) => new Double(n / 2)),
      fc.integer({ min: -5, max: 5 }).map((n) => Long.fromNumber(n)),
      fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -2, max: 1 })).map(([c, e]) => Decimal128.fromString(`${c}E${e}`)),
      fc.constantFrom(
        0.1, Decimal128.fromString('0.1'), Decimal128.fromString('0.1000000000000000055511151231257827'),
        Long.fromString('9007199254740993'), Decimal128.fromString('9007199254740993'), Decimal128.fromString('9.007199254740993E+15'),
        2 ** 60, Long.fromBigInt(2n ** 60n), Decimal128.fromString('1152921504606846976'), Decimal128.fromString('1.152921504606846976000E+18'),
        NaN, Decimal128.fromString('NaN'), Infinity, Decimal128.fromString('Infinity'), Decimal128.fromString('-0.00'), -0,
      ),
    );
    fc.assert(fc.property(value, value, (a, b) => {
      expect(valueKey(a) === valueKey(b)).toBe(compareValues(a, b) === 0);
    }), { numRuns: 500 });
  });
});
