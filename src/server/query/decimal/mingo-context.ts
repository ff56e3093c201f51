// The operator set the server runs mingo with: mingo's own operators with the
// numeric ones replaced so that Decimal128 values (passed to mingo as they
// are, not as doubles) compute exactly. mingo's default entry points merge a
// caller's context under its built-in operators, so the bridge constructs
// mingo's Aggregator/Query base classes with this complete context instead.
import { Context } from 'mingo/core';
import * as accumulatorOperators from 'mingo/operators/accumulator';
import * as expressionOperators from 'mingo/operators/expression';
import * as pipelineOperators from 'mingo/operators/pipeline';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import * as windowOperators from 'mingo/operators/window';
import { decimalAccumulatorExpressions, decimalAccumulators } from './mingo-accumulators.js';
import { arithmeticOperators } from './mingo-arithmetic.js';
import { conversionOperators } from './mingo-conversions.js';
import { sortingExpressionOperators, sortingPipelineOperators } from './mingo-sorting.js';
import { truthinessOperators } from './mingo-truthiness.js';
import { BUCKET_KEY_OPERATOR, bucketKeyOperator, bucketOperators } from './mingo-bucket.js';
import { AS_DOUBLE_OPERATOR, asDoubleOperator, GROUP_KEY_OPERATOR, groupKeyOperator, groupOperator } from './mingo-group.js';

type ContextOperators = NonNullable<Parameters<typeof Context.init>[0]>;

let context: Context | undefined;

export function serverMingoContext(): Context {
  context ??= Context.init({
    accumulator: { ...accumulatorOperators, ...decimalAccumulators } as unknown as ContextOperators['accumulator'],
    expression: {
      ...expressionOperators, ...arithmeticOperators, ...conversionOperators, ...decimalAccumulatorExpressions,
      ...truthinessOperators, ...sortingExpressionOperators, [GROUP_KEY_OPERATOR]: groupKeyOperator, [AS_DOUBLE_OPERATOR]: asDoubleOperator,
      [BUCKET_KEY_OPERATOR]: bucketKeyOperator,
    } as unknown as ContextOperators['expression'],
    pipeline: { ...pipelineOperators, ...bucketOperators, ...sortingPipelineOperators, $group: groupOperator } as unknown as ContextOperators['pipeline'],
    projection: projectionOperators as unknown as ContextOperators['projection'],
    query: queryOperators as unknown as ContextOperators['query'],
    window: windowOperators as unknown as ContextOperators['window'],
  });
  return context;
}
