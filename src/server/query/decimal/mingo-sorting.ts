// Sorting inside mingo stages and operators with mongod's order (compare.ts's
// compareValues, which compares Decimal128 values exactly against every numeric
// type): $sortArray sorts here; $setWindowFields is handed its input already in
// sortBy order and a sortBy on each document's rank in that order (equal keys,
// equal ranks, so $rank/$denseRank ties hold), then the rank field is removed.
// SIMPLIFICATION: windows that read the sortBy values themselves (range windows,
// $derivative, $integral, $linearFill) keep mingo's own ordering.
import { evalExpr } from 'mingo/core';
import { Lazy, type Iterator } from 'mingo/lazy';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import type { Options } from 'mingo/types';
import type { Document } from '../../../bson.js';
import { isPlainDocument, toNumber } from '../bson-types.js';
import { collatorFor } from '../collation.js';
import { compareValues } from '../compare.js';
import { documentComparator, sortDocuments } from '../sort.js';
import type { ExpressionOp } from './mingo-support.js';
import { isNil, literal } from './mingo-support.js';

type PipelineOp = (collection: Iterator, expr: unknown, options: Options) => Iterator;
type Row = Record<string, unknown>;

const RANK_FIELD = '__mongroveSortRank';
const VALUE_READING_OPERATORS = new Set(['$derivative', '$integral', '$linearFill']);

const mingoSortArray = (expressionOperators as unknown as Record<string, ExpressionOp | undefined>).$sortArray;
const mingoWindowFields = (pipelineOperators as unknown as Record<string, PipelineOp | undefined>).$setWindowFields;

function collationOf(options: Options): unknown {
  return (options as { collation?: unknown }).collation;
}

const sortArray: ExpressionOp = (obj, expr, options) => {
  if (mingoSortArray === undefined) throw new Error('mingo has no $sortArray operator');
  if (!isPlainDocument(expr) || !('input' in expr) || !('sortBy' in expr)) return mingoSortArray(obj, expr, options);
  const input = evalExpr(obj, expr.input, options);
  const sortBy = evalExpr(obj, expr.sortBy, options);
  const direction = typeof sortBy === 'number' || typeof sortBy === 'bigint' ? toNumber(sortBy) : undefined;
  if (Array.isArray(input) && (direction === 1 || direction === -1)) {
    const collator = collatorFor(collationOf(options));
    return [...(input as unknown[])].sort((a, b) => compareValues(a, b, collator) * direction);
  }
  if (Array.isArray(input) && isPlainDocument(sortBy) && input.every((e) => isPlainDocument(e))) {
    return sortDocuments(input as Document[], sortBy, collationOf(options));
  }
  // Nulls, malformed arguments: mingo's operator answers (and words its errors).
  return mingoSortArray(obj, { input: literal(input), sortBy: literal(sortBy) }, options);
};

function readsSortValues(output: unknown): boolean {
  if (!isPlainDocument(output)) return true;
  return Object.values(output).some((field) => {
    if (!isPlainDocument(field)) return false;
    const window = field.window;
    if (isPlainDocument(window) && ('range' in window || 'unit' in window)) return true;
    return Object.keys(field).some((op) => VALUE_READING_OPERATORS.has(op));
  });
}

/** Each row's rank among the distinct sortBy keys, rows returned in that order. */
function ranked(rows: Row[], sortBy: Document, collation: unknown): Row[] {
  const sorted = sortDocuments(rows as Document[], sortBy, collation) as Row[];
  const compare = documentComparator(sortBy, collation);
  let rank = -1;
  return sorted.map((row, i) => {
    const previous = sorted[i - 1];
    if (previous === undefined || compare(previous as Document, row as Document) !== 0) rank++;
    return { ...row, [RANK_FIELD]: rank };
  });
}

const setWindowFields: PipelineOp = (collection, expr, options) => {
  if (mingoWindowFields === undefined) throw new Error('mingo has no $setWindowFields stage');
  if (!isPlainDocument(expr) || !isPlainDocument(expr.sortBy) || readsSortValues(expr.output)) {
    return mingoWindowFields(collection, expr, options);
  }
  const rows = ranked(collection.collect<Row>(), expr.sortBy, collationOf(options));
  const out = mingoWindowFields(Lazy(rows), { ...expr, sortBy: { [RANK_FIELD]: 1 } }, options).collect<Row>();
  return Lazy(out.map((row) => {
    if (isNil(row[RANK_FIELD])) return row;
    const { [RANK_FIELD]: _rank, ...rest } = row;
    return rest;
  }));
};

export const sortingExpressionOperators: Record<string, ExpressionOp> = { $sortArray: sortArray };
export const sortingPipelineOperators: Record<string, PipelineOp> = { $setWindowFields: setWindowFields };
