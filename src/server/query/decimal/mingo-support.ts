// Shared plumbing for the operators we hand mingo in place of its own: mingo
// computes with JavaScript numbers, so a Decimal128 operand is either computed
// here exactly or, for the operators that stay approximate, passed to mingo's
// operator as a double with the evaluated arguments re-wrapped in $literal.
import { Decimal128 } from '../../../bson.js';
import type { Options } from 'mingo/types';
import { isNumeric } from '../bson-types.js';
import type { DecimalValue } from './decimal-value.js';
import { decimalToDouble, exactValue, isDecimal } from './numeric.js';

export type ExpressionOp = (obj: Record<string, unknown>, expr: unknown, options: Options) => unknown;
export type AccumulatorOp = (collection: Record<string, unknown>[], expr: unknown, options: Options) => unknown;

/** Evaluated arguments as an expression mingo evaluates back to the same values. */
export function literal(args: unknown): unknown {
  return Array.isArray(args) ? args.map((v) => ({ $literal: v })) : { $literal: args };
}

export function anyDecimal(args: unknown): boolean {
  return Array.isArray(args) ? args.some(isDecimal) : isDecimal(args);
}

export function isNil(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

function toDouble(v: unknown): unknown {
  return isDecimal(v) ? decimalToDouble(exactValue(v)) : v;
}

/** Decimals replaced by their nearest doubles (for the operators that stay approximate). */
export function withDoubles(args: unknown): unknown {
  return Array.isArray(args) ? args.map(toDouble) : toDouble(args);
}

/** A double result as a Decimal128 through its shortest round-trip digits. */
export function decimalFromDoubleResult(result: unknown): unknown {
  if (typeof result !== 'number') return result;
  if (Number.isNaN(result)) return Decimal128.fromString('NaN');
  if (!Number.isFinite(result)) return Decimal128.fromString(result > 0 ? 'Infinity' : '-Infinity');
  return Decimal128.fromString(String(result));
}

export function isNumericZero(v: unknown): boolean {
  if (!isNumeric(v)) return false;
  const exact: DecimalValue = exactValue(v);
  return exact.kind === 'finite' && exact.coefficient === 0n;
}

/** The single operand of a one-argument operator written either as `x` or `[x]`. */
export function singleOperand(expr: unknown, evaluated: unknown): unknown {
  return Array.isArray(expr) && Array.isArray(evaluated) ? evaluated[0] : evaluated;
}
