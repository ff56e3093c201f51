// $bucket and $bucketAuto with values ordered as mongod orders them (compare.ts's
// compareValues), so Decimal128 keys and boundaries are placed exactly: mingo's
// own comparison does not see a decimal as a number. $bucket is computed as
// mongod defines it — a $group on the boundary whose [lower, upper) range holds
// the groupBy value, sorted by _id — with mongod's validation of the spec.
// $bucketAuto without granularity hands mingo each value's rank in exact order
// and maps the ranks in the bucket bounds back to the values.
import { evalExpr } from 'mingo/core';
import { Lazy, type Iterator } from 'mingo/lazy';
import * as pipelineOperators from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import { CommandError } from '../../command-error.js';
import { bsonTypeOf, isPlainDocument, typeRank } from '../bson-types.js';
import { compareValues } from '../compare.js';
import { AS_DOUBLE_OPERATOR, groupOperator } from './mingo-group.js';
import type { ExpressionOp } from './mingo-support.js';
import { isNil } from './mingo-support.js';

type PipelineOp = (collection: Iterator, expr: unknown, options: Options) => Iterator;
type Row = Record<string, unknown>;

export const BUCKET_KEY_OPERATOR = '$__mongroveBucketKey';

/** Per stage run: each input document's precomputed key (bucket boundary or rank). */
const precomputed = new WeakMap<object, Map<object, unknown>>();

export const bucketKeyOperator: ExpressionOp = (obj, expr) => precomputed.get(expr as object)?.get(obj) ?? null;

function fail(code: number, message: string): never {
  throw new CommandError(code, message);
}

interface BucketSpec { groupBy: unknown; boundaries: unknown[]; defaultValue?: { value: unknown }; output: Row }

function parseBucket(expr: unknown): BucketSpec {
  if (!isPlainDocument(expr)) fail(40201, `Argument to $bucket stage must be an object, but found type: ${bsonTypeOf(expr)}.`);
  for (const key of Object.keys(expr)) {
    if (!['groupBy', 'boundaries', 'default', 'output'].includes(key)) fail(40197, `Unrecognized option to $bucket: ${key}.`);
  }
  const { groupBy, boundaries, output } = expr;
  if (groupBy === undefined || boundaries === undefined) fail(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified.");
  if (!(typeof groupBy === 'string' && groupBy.startsWith('$')) && !isPlainDocument(groupBy)) {
    fail(40202, `The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression, but found: ${String(groupBy)}.`);
  }
  if (!Array.isArray(boundaries)) fail(40200, `The $bucket 'boundaries' field must be an array, but found type: ${bsonTypeOf(boundaries)}.`);
  if (boundaries.length < 2) {
    fail(40192, `The $bucket 'boundaries' field must have at least 2 values, but found ${boundaries.length} value(s).`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    const [lower, upper] = [boundaries[i - 1], boundaries[i]];
    if (typeRank(lower) !== typeRank(upper)) {
      fail(40193, `All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types ${bsonTypeOf(lower)} and ${bsonTypeOf(upper)}.`);
    }
    if (compareValues(lower, upper) >= 0) {
      fail(40194, `The 'boundaries' option to $bucket must be sorted, but elements ${i - 1} and ${i} are not in ascending order.`);
    }
  }
  const spec: BucketSpec = { groupBy, boundaries, output: isPlainDocument(output) ? output : { count: { $sum: 1 } } };
  if ('default' in expr) {
    const value = expr.default;
    const [lowest, highest] = [boundaries[0], boundaries[boundaries.length - 1]];
    if (typeRank(value) === typeRank(lowest) && compareValues(value, lowest) >= 0 && compareValues(value, highest) < 0) {
      fail(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.");
    }
    spec.defaultValue = { value };
  }
  return spec;
}

/** The boundary starting the [lower, upper) range that holds `key`, else the default. */
function bucketOf(key: unknown, spec: BucketSpec): unknown {
  const { boundaries } = spec;
  if (compareValues(key, boundaries[0]) >= 0 && compareValues(key, boundaries[boundaries.length - 1]) < 0) {
    let lo = 0;
    let hi = boundaries.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (compareValues(key, boundaries[mid]) >= 0) lo = mid;
      else hi = mid;
    }
    return boundaries[lo];
  }
  if (spec.defaultValue === undefined) fail(40066, '$switch could not find a matching branch for an input, and no default was specified.');
  return spec.defaultValue.value;
}

const bucketStage: PipelineOp = (collection, expr, options) => {
  const spec = parseBucket(expr);
  const docs = collection.collect<Row>();
  const keys = new Map<object, unknown>();
  for (const doc of docs) keys.set(doc, bucketOf(evalExpr(doc, spec.groupBy, options), spec));
  const token = {};
  precomputed.set(token, keys);
  const grouped = groupOperator(Lazy(docs), { ...spec.output, _id: { [BUCKET_KEY_OPERATOR]: token } }, options);
  const rows = (grouped as Iterator).collect<Row>();
  // mongod's $bucket ends in { $sort: { _id: 1 } }; output fields keep their order after _id.
  return Lazy(rows.sort((a, b) => compareValues(a._id, b._id)).map(({ _id, ...rest }) => ({ _id, ...rest })));
};

function mingoStage(name: string): PipelineOp {
  const op = (pipelineOperators as unknown as Record<string, PipelineOp | undefined>)[name];
  if (op === undefined) throw new Error(`mingo has no ${name} stage`);
  return op;
}

const bucketAutoStage: PipelineOp = (collection, expr, options) => {
  const mingoBucketAuto = mingoStage('$bucketAuto');
  if (!isPlainDocument(expr) || !('groupBy' in expr)) return mingoBucketAuto(collection, expr, options);
  if (!isNil(expr.granularity)) {
    // Granularity rounds numbers: mingo does it on doubles (decimals approximate).
    return mingoBucketAuto(collection, { ...expr, groupBy: { [AS_DOUBLE_OPERATOR]: expr.groupBy } }, options);
  }
  const docs = collection.collect<Row>();
  const values = docs.map((doc) => evalExpr(doc, expr.groupBy, options));
  const distinct = values.filter((v) => !isNil(v)).sort((a, b) => compareValues(a, b))
    .filter((v, i, all) => i === 0 || compareValues(all[i - 1], v) !== 0);
  const rankOf = (v: unknown): number | null => {
    if (isNil(v)) return null;
    let lo = 0;
    let hi = distinct.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareValues(distinct[mid], v) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const ranks = new Map<object, unknown>(docs.map((doc, i) => [doc, rankOf(values[i])]));
  const token = {};
  precomputed.set(token, ranks);
  const rows = mingoBucketAuto(Lazy(docs), { ...expr, groupBy: { [BUCKET_KEY_OPERATOR]: token } }, options).collect<Row>();
  const valueAt = (rank: unknown): unknown => (typeof rank === 'number' ? distinct[rank] : rank);
  return Lazy(rows.map((row) => {
    const id = isPlainDocument(row._id) ? row._id : {};
    return { ...row, _id: { min: valueAt(id.min), max: valueAt(id.max) } };
  }));
};

export const bucketOperators: Record<string, PipelineOp> = { $bucket: bucketStage, $bucketAuto: bucketAutoStage };
