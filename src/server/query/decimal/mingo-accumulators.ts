// $sum/$avg/$min/$max (as $group accumulators and as expressions) that keep
// Decimal128 exact (10,000 × 0.01 is exactly 100.00, see decimal-sum.ts); as
// in mongod the total is a decimal when any input is one, and $avg of such a
// total is the decimal quotient by the count of numbers.
import { evalExpr } from 'mingo/core';
import * as mingoAccumulators from 'mingo/operators/accumulator';
import { compareValues } from '../compare.js';
import { divide } from './decimal-ops.js';
import { decimalSum } from './decimal-sum.js';
import type { DecimalValue } from './decimal-value.js';
import { isDecimal, toDecimal128 } from './numeric.js';
import type { AccumulatorOp, ExpressionOp } from './mingo-support.js';
import { isNil, withDoubles } from './mingo-support.js';

type Kind = '$sum' | '$avg' | '$min' | '$max';

const original = mingoAccumulators as unknown as Record<string, AccumulatorOp>;

function mingoOp(name: Kind): AccumulatorOp {
  const op = original[name];
  if (op === undefined) throw new Error(`mingo has no ${name} accumulator`);
  return op;
}

function integer(n: bigint): DecimalValue {
  return { kind: 'finite', negative: n < 0n, coefficient: n < 0n ? -n : n, exponent: 0 };
}

function extreme(values: readonly unknown[], want: 1 | -1): unknown {
  let best: unknown = null;
  for (const v of values) {
    if (isNil(v)) continue;
    if (best === null || compareValues(v, best) * want > 0) best = v;
  }
  return best;
}

/** The result over already evaluated values; undefined when mingo's own accumulator should decide. */
function accumulateDecimal(kind: Kind, values: readonly unknown[]): unknown {
  if (!values.some(isDecimal)) return undefined;
  switch (kind) {
    case '$sum': return toDecimal128(decimalSum(values).total);
    case '$avg': {
      const { total, count } = decimalSum(values);
      return count === 0 ? null : toDecimal128(divide(total, integer(BigInt(count))));
    }
    case '$min': return extreme(values, -1);
    case '$max': return extreme(values, 1);
  }
}

function evaluateEach(collection: Record<string, unknown>[], expr: unknown, options: Parameters<AccumulatorOp>[2]): unknown[] {
  if (isNil(expr)) return collection;
  const push = original.$push;
  if (push === undefined) throw new Error('mingo has no $push accumulator');
  return push(collection, expr, options) as unknown[];
}

function accumulator(kind: Kind): AccumulatorOp {
  const fallback = mingoOp(kind);
  return (collection, expr, options) => {
    if (isDecimal(expr)) return accumulateDecimal(kind, collection.map(() => expr));
    const values = evaluateEach(collection, expr, options);
    const exact = accumulateDecimal(kind, values);
    // mingo reads the values back from { v } so nothing is evaluated twice.
    return exact !== undefined ? exact : fallback(values.map((v) => ({ v })), '$v', options);
  };
}

/**
 * The expression forms: { $sum: [a, b, …] } over the operands, { $sum: '$array' } over the array.
 * mingo looks expression operators up first even in $group, where `obj` is the group's documents.
 */
function expression(kind: Kind): ExpressionOp {
  const fallback = mingoOp(kind);
  const grouped = accumulator(kind);
  return (obj, expr, options) => {
    if (Array.isArray(obj)) return grouped(obj as Record<string, unknown>[], expr, options);
    const evaluated = evalExpr(obj, expr, options);
    const values = Array.isArray(expr) ? (evaluated as unknown[]) : Array.isArray(evaluated) ? evaluated : [evaluated];
    const exact = accumulateDecimal(kind, values);
    return exact !== undefined ? exact : fallback(values.map((v) => ({ v })), '$v', options);
  };
}

/** Statistics mongod computes in double ($stdDev*, $covariance*): decimals enter as their nearest doubles. */
function inDoubles(name: string): AccumulatorOp {
  const fallback = original[name];
  if (fallback === undefined) throw new Error(`mingo has no ${name} accumulator`);
  return (collection, expr, options) => {
    const values = evaluateEach(collection, expr, options);
    return fallback(values.map((v) => ({ v: withDoubles(v) })), '$v', options);
  };
}

export const decimalAccumulators: Record<string, AccumulatorOp> = {
  $sum: accumulator('$sum'), $avg: accumulator('$avg'), $min: accumulator('$min'), $max: accumulator('$max'),
  $stdDevPop: inDoubles('$stdDevPop'), $stdDevSamp: inDoubles('$stdDevSamp'),
  $covariancePop: inDoubles('$covariancePop'), $covarianceSamp: inDoubles('$covarianceSamp'),
};

export const decimalAccumulatorExpressions: Record<string, ExpressionOp> = {
  $sum: expression('$sum'), $avg: expression('$avg'), $min: expression('$min'), $max: expression('$max'),
};
