// Arithmetic expression operators with exact Decimal128 semantics. A decimal
// operand makes the result a decimal (doubles coerced to 15 digits, as mongod
// does); without decimals mingo's own operator computes the result.
// $sqrt/$exp/$ln/$log/$log10/$pow stay approximate: computed in double, returned as decimal.
import { evalExpr } from 'mingo/core';
import * as mingoExpressions from 'mingo/operators/expression';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isNumeric, toNumber } from '../bson-types.js';
import { decimalSum } from './decimal-sum.js';
import { abs, add, compareDecimals, divide, modulo, multiply, quantize, subtract } from './decimal-ops.js';
import type { DecimalValue, RoundingMode } from './decimal-value.js';
import { coerceToDecimal, exactValue, toDecimal128 } from './numeric.js';
import type { ExpressionOp } from './mingo-support.js';
import { anyDecimal, decimalFromDoubleResult, isNil, isNumericZero, literal, singleOperand, withDoubles } from './mingo-support.js';

const original = mingoExpressions as unknown as Record<string, ExpressionOp>;

function mingoOp(name: string): ExpressionOp {
  const op = original[name];
  if (op === undefined) throw new Error(`mingo has no ${name} operator`);
  return op;
}

/**
 * Operators over a list of numbers ($add, $multiply) or a pair ($subtract). $add sums as
 * $sum does (doubles totalled apart); $subtract and $multiply coerce each double to 15 digits.
 */
function folding(name: string, combine: (a: DecimalValue, b: DecimalValue) => DecimalValue, arity?: number): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    if (!Array.isArray(args) || !anyDecimal(args)) return fallback(obj, literal(args), options);
    if (args.some(isNil)) return null;
    if ((arity !== undefined && args.length !== arity) || !args.every(isNumeric)) {
      // Dates, wrong arity and non-numbers: mingo's rules (and errors) with decimals as doubles.
      return fallback(obj, literal(withDoubles(args)), options);
    }
    if (name === '$add') return toDecimal128(decimalSum(args).total);
    const values = args.map(coerceToDecimal);
    const first = values.shift();
    return first === undefined ? null : toDecimal128(values.reduce(combine, first));
  };
}

const divideOp: ExpressionOp = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (Array.isArray(args) && args.length === 2 && !args.some(isNil) && args.every(isNumeric)) {
    const [a, b] = args as [unknown, unknown];
    if (isNumericZero(b)) throw new CommandError(ErrorCodes.BadValue, "can't $divide by zero");
    if (anyDecimal(args)) return toDecimal128(divide(coerceToDecimal(a), coerceToDecimal(b)));
  }
  return mingoOp('$divide')(obj, literal(args), options);
};

const modOp: ExpressionOp = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (Array.isArray(args) && args.length === 2 && !args.some(isNil) && args.every(isNumeric)) {
    const [a, b] = args as [unknown, unknown];
    if (isNumericZero(b)) throw new CommandError(16610, "can't $mod by zero");
    if (anyDecimal(args)) return toDecimal128(modulo(coerceToDecimal(a), coerceToDecimal(b)));
  }
  return mingoOp('$mod')(obj, literal(args), options);
};

function unary(name: string, compute: (v: DecimalValue) => DecimalValue): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    const value = singleOperand(expr, args);
    if (!anyDecimal(value)) return fallback(obj, literal(args), options);
    return toDecimal128(compute(exactValue(value)));
  };
}

/** Round toward -∞ (floor) or +∞ (ceil) to exponent 0, as mongod's quantize to 0E0 does. */
function toIntegral(direction: -1 | 1): (v: DecimalValue) => DecimalValue {
  return (v) => {
    if (v.kind !== 'finite') return v;
    if (v.exponent >= 0) return quantize(v, 0, 'down');
    const truncated = quantize(v, 0, 'down');
    if (compareDecimals(truncated, v) === 0) return truncated;
    const awayFromZero = direction === 1 ? !v.negative : v.negative;
    if (!awayFromZero) return truncated;
    return add(truncated, { kind: 'finite', negative: direction === -1, coefficient: 1n, exponent: 0 });
  };
}

/** $round/$trunc: [number, place] with place an integer in [-20, 100] (mingo validates the rest). */
function roundingOp(name: string, mode: RoundingMode): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    const list = Array.isArray(expr) && Array.isArray(args) ? args : [args];
    const [value, placeArg] = list;
    if (!isDecimal(value)) return fallback(obj, literal(args), options);
    if (isNil(placeArg) && list.length > 1) return null;
    const place = placeArg === undefined ? 0 : toNumber(placeArg);
    if (!isNumeric(placeArg ?? 0) || !Number.isInteger(place) || place < -20 || place > 100) {
      return fallback(obj, literal(withDoubles(args)), options);
    }
    const exact = exactValue(value);
    if (exact.kind === 'infinity') return value;
    // As mongod: IEEE quantize, so a result that would need more than 34 digits is NaN.
    return toDecimal128(quantize(exact, -place, mode));
  };
}

function isDecimal(v: unknown): boolean {
  return anyDecimal(v) && !Array.isArray(v);
}

/** Transcendental operators: computed in double; a decimal operand gives a decimal result. */
function approximate(name: string): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    if (!anyDecimal(args)) return fallback(obj, literal(args), options);
    return decimalFromDoubleResult(fallback(obj, literal(withDoubles(args)), options));
  };
}

export const arithmeticOperators: Record<string, ExpressionOp> = {
  $add: folding('$add', add),
  $subtract: folding('$subtract', subtract, 2),
  $multiply: folding('$multiply', multiply),
  $divide: divideOp,
  $mod: modOp,
  $abs: unary('$abs', abs),
  $ceil: unary('$ceil', toIntegral(1)),
  $floor: unary('$floor', toIntegral(-1)),
  $round: roundingOp('$round', 'halfEven'),
  $trunc: roundingOp('$trunc', 'down'),
  $sqrt: approximate('$sqrt'),
  $exp: approximate('$exp'),
  $ln: approximate('$ln'),
  $log: approximate('$log'),
  $log10: approximate('$log10'),
  $pow: approximate('$pow'),
};
