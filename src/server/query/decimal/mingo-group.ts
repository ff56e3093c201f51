// $group keys by BSON equality: mingo buckets a Decimal128 by its printed form,
// which would split NumberDecimal('1.0'), NumberDecimal('1.00') and 1 into three
// groups where mongod has one. The server's $group evaluates each _id, maps it
// to the first value seen with the same valueKey, and lets mingo group those.
import { evalExpr } from 'mingo/core';
import * as pipelineOperators from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import { valueKey } from '../compare.js';
import type { ExpressionOp } from './mingo-support.js';
import { withDoubles } from './mingo-support.js';

type PipelineOp = (collection: unknown, expr: unknown, options: Options) => unknown;

export const GROUP_KEY_OPERATOR = '$__mongroveGroupKey';
export const AS_DOUBLE_OPERATOR = '$__mongroveAsDouble';

/** First value seen per key, one table per $group stage run (keyed by its key expression). */
const representatives = new WeakMap<object, Map<string, unknown>>();

export const groupKeyOperator: ExpressionOp = (obj, expr, options) => {
  const spec = expr as { of: unknown };
  const value = evalExpr(obj, spec.of, options);
  const table = representatives.get(spec);
  if (table === undefined) return value;
  const key = valueKey(value);
  if (!table.has(key)) table.set(key, value);
  return table.get(key);
};

const mingoGroup = (pipelineOperators as unknown as Record<string, PipelineOp | undefined>).$group;

export const groupOperator: PipelineOp = (collection, expr, options) => {
  if (mingoGroup === undefined) throw new Error('mingo has no $group stage');
  if (typeof expr !== 'object' || expr === null || !('_id' in expr)) return mingoGroup(collection, expr, options);
  const keySpec = { of: (expr as { _id: unknown })._id };
  representatives.set(keySpec, new Map());
  return mingoGroup(collection, { ...expr, _id: { [GROUP_KEY_OPERATOR]: keySpec } }, options);
};

/** A value with a top-level decimal replaced by its nearest double. */
export const asDoubleOperator: ExpressionOp = (obj, expr, options) => withDoubles(evalExpr(obj, expr, options));
