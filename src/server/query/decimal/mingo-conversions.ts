// Conversion, type and comparison expression operators that must see a
// Decimal128 as a number: $toDecimal/$convert produce exact decimals (a double
// becomes 15 significant digits, as in mongod), comparisons use the server's
// BSON order (NumberDecimal('1') equals 1 and 1.0).
import { evalExpr } from 'mingo/core';
import * as mingoExpressions from 'mingo/operators/expression';
import { Decimal128, Long } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { bsonTypeOf } from '../bson-types.js';
import { compareValues } from '../compare.js';
import { quantize } from './decimal-ops.js';
import { coerceToDecimal, decimalToDouble, exactValue, isDecimal, toDecimal128 } from './numeric.js';
import type { ExpressionOp } from './mingo-support.js';
import { anyDecimal, isNil, isNumericZero, literal, singleOperand } from './mingo-support.js';

const CONVERSION_FAILURE = 241;
const original = mingoExpressions as unknown as Record<string, ExpressionOp>;

function mingoOp(name: string): ExpressionOp {
  const op = original[name];
  if (op === undefined) throw new Error(`mingo has no ${name} operator`);
  return op;
}

type Target = 'decimal' | 'double' | 'int' | 'long' | 'string' | 'bool';

const TARGETS: Readonly<Record<string, Target>> = {
  decimal: 'decimal', '19': 'decimal', double: 'double', '1': 'double', int: 'int', '16': 'int',
  long: 'long', '18': 'long', string: 'string', '2': 'string', bool: 'bool', '8': 'bool',
};

function conversionError(message: string): CommandError {
  return new CommandError(CONVERSION_FAILURE, `${message} in $convert with no onError value`);
}

function toDecimalValue(input: unknown): Decimal128 | undefined {
  switch (bsonTypeOf(input)) {
    case 'decimal': case 'int': case 'long': case 'double': return toDecimal128(coerceToDecimal(input));
    case 'bool': return Decimal128.fromString(input === true ? '1' : '0');
    case 'date': return toDecimal128(coerceToDecimal(Long.fromNumber((input as Date).getTime())));
    case 'string': {
      try {
        return Decimal128.fromStringWithRounding(input as string);
      } catch {
        throw conversionError(`Failed to parse number '${String(input)}'`);
      }
    }
    default: return undefined;
  }
}

/** A decimal converted to an integer type: truncated toward zero, range-checked. */
function decimalToInteger(input: unknown, target: 'int' | 'long'): unknown {
  const exact = quantize(exactValue(input), 0, 'down');
  if (exact.kind !== 'finite') throw conversionError(`Attempt to convert ${exact.kind === 'nan' ? 'NaN' : 'infinity'} value to integer`);
  const n = exact.negative ? -exact.coefficient : exact.coefficient;
  const bits = target === 'int' ? 32n : 64n;
  if (n >= 1n << (bits - 1n) || n < -(1n << (bits - 1n))) throw conversionError('Conversion would overflow target type');
  return target === 'int' || Number.isSafeInteger(Number(n)) ? Number(n) : Long.fromBigInt(n);
}

/** Converts when a decimal is involved (as input or target); undefined hands the case to mingo. */
function convertDecimal(input: unknown, target: Target): unknown {
  if (target === 'decimal') return toDecimalValue(input);
  if (!isDecimal(input)) return undefined;
  switch (target) {
    case 'double': return decimalToDouble(exactValue(input));
    case 'int': case 'long': return decimalToInteger(input, target);
    case 'string': return (input as Decimal128).toString();
    case 'bool': return !isNumericZero(input);
  }
}

function converter(name: string, target: Target): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    const input = singleOperand(expr, args);
    if (isNil(input)) return null;
    const converted = convertDecimal(input, target);
    return converted === undefined ? fallback(obj, literal(args), options) : converted;
  };
}

const convertOp: ExpressionOp = (obj, expr, options) => {
  const spec = expr as Record<string, unknown>;
  const fallback = (input: unknown): unknown => mingoOp('$convert')(obj, { ...spec, input: { $literal: input } }, options);
  if (typeof spec !== 'object' || spec === null || !('input' in spec) || !('to' in spec)) return mingoOp('$convert')(obj, expr, options);
  const input = evalExpr(obj, spec.input, options);
  const toArg = evalExpr(obj, spec.to, options);
  const toName = typeof toArg === 'object' && toArg !== null && 'type' in toArg ? (toArg as { type: unknown }).type : toArg;
  const target = TARGETS[String(toName)];
  if (target === undefined || (!isDecimal(input) && target !== 'decimal') || isNil(input)) return fallback(input);
  try {
    const converted = convertDecimal(input, target);
    if (converted !== undefined) return converted;
  } catch (error) {
    if (spec.onError === undefined) throw error;
    return evalExpr(obj, spec.onError, options);
  }
  if (spec.onError !== undefined) return evalExpr(obj, spec.onError, options);
  throw conversionError(`Unsupported conversion from ${bsonTypeOf(input)} to ${target}`);
};

function typeAware(name: string, decimalResult: unknown): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    return isDecimal(singleOperand(expr, args)) ? decimalResult : fallback(obj, literal(args), options);
  };
}

function comparison(name: string, fromOrder: (c: -1 | 0 | 1) => unknown): ExpressionOp {
  const fallback = mingoOp(name);
  return (obj, expr, options) => {
    const args = evalExpr(obj, expr, options);
    if (!Array.isArray(args) || args.length !== 2 || !anyDecimal(args)) return fallback(obj, literal(args), options);
    return fromOrder(compareValues(args[0], args[1]));
  };
}

/** $in by BSON equality when a decimal is involved (mingo would compare the objects). */
const inOp: ExpressionOp = (obj, expr, options) => {
  const args = evalExpr(obj, expr, options);
  if (Array.isArray(args) && args.length === 2 && Array.isArray(args[1]) && (isDecimal(args[0]) || args[1].some(isDecimal))) {
    const [needle, haystack] = args as [unknown, unknown[]];
    return haystack.some((e) => compareValues(e, needle) === 0);
  }
  return mingoOp('$in')(obj, literal(args), options);
};

export const conversionOperators: Record<string, ExpressionOp> = {
  $toDecimal: converter('$toDecimal', 'decimal'),
  $toDouble: converter('$toDouble', 'double'),
  $toInt: converter('$toInt', 'int'),
  $toLong: converter('$toLong', 'long'),
  $toString: converter('$toString', 'string'),
  $toBool: converter('$toBool', 'bool'),
  $convert: convertOp,
  $type: typeAware('$type', 'decimal'),
  $isNumber: typeAware('$isNumber', true),
  $eq: comparison('$eq', (c) => c === 0),
  $ne: comparison('$ne', (c) => c !== 0),
  $gt: comparison('$gt', (c) => c > 0),
  $gte: comparison('$gte', (c) => c >= 0),
  $lt: comparison('$lt', (c) => c < 0),
  $lte: comparison('$lte', (c) => c <= 0),
  $cmp: comparison('$cmp', (c) => c),
  $in: inOp,
};
