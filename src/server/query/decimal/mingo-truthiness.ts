// Boolean contexts ($cond, $and, $or, $not) where mingo would treat any
// Decimal128 object as true: mongod reads a decimal zero as false. Each
// condition is routed through an operator that turns a decimal into its truth value.
import { evalExpr } from 'mingo/core';
import * as mingoExpressions from 'mingo/operators/expression';
import { isDecimal } from './numeric.js';
import type { ExpressionOp } from './mingo-support.js';
import { isNumericZero } from './mingo-support.js';

export const TRUTH_OPERATOR = '$__mongroveTruth';

const original = mingoExpressions as unknown as Record<string, ExpressionOp | undefined>;

export const truthOperator: ExpressionOp = (obj, expr, options) => {
  const value = evalExpr(obj, expr, options);
  return isDecimal(value) ? !isNumericZero(value) : value;
};

const truth = (e: unknown): unknown => ({ [TRUTH_OPERATOR]: e });

function withConditions(name: string, rewrite: (expr: unknown) => unknown): ExpressionOp {
  const op = original[name];
  if (op === undefined) throw new Error(`mingo has no ${name} operator`);
  return (obj, expr, options) => op(obj, rewrite(expr), options);
}

function rewriteCond(expr: unknown): unknown {
  if (Array.isArray(expr)) return expr.length === 3 ? [truth(expr[0]), expr[1], expr[2]] : expr;
  if (typeof expr === 'object' && expr !== null && 'if' in expr) return { ...expr, if: truth((expr as { if: unknown }).if) };
  return expr;
}

const rewriteEach = (expr: unknown): unknown => (Array.isArray(expr) ? expr.map(truth) : truth(expr));

export const truthinessOperators: Record<string, ExpressionOp> = {
  [TRUTH_OPERATOR]: truthOperator,
  $cond: withConditions('$cond', rewriteCond),
  $and: withConditions('$and', (e) => (Array.isArray(e) ? e.map(truth) : e)),
  $or: withConditions('$or', (e) => (Array.isArray(e) ? e.map(truth) : e)),
  $not: withConditions('$not', rewriteEach),
};
