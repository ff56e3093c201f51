// Query filter evaluation with MongoDB semantics (type-bracketed comparisons,
// cross-type numeric equality, null matching missing, implicit array element
// matching). Aggregation expressions ($expr) are delegated to mingo.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber, typeRank, TYPE_CODES } from './bson-types.js';
import { collatorFor, type StringComparator } from './collation.js';
import { compareValues, valuesEqual } from './compare.js';
import { compileGeoIntersects, compileGeoWithin } from './geo/geo-query.js';
import { compileJsonSchema } from './json-schema.js';
import { mingoExprTest } from './mingo-bridge.js';
import { compileMod } from './mod-match.js';
import { resolvePath, splitPath } from './paths.js';
import { checkSpecialPlacement, compileNearField, compileText, isNearCondition } from './special-filters.js';

export type Predicate = (doc: Document) => boolean;
type ValueTest = (value: unknown) => boolean;

export interface MatchOptions {
  /** $$variables for $expr (the command's `let`). */
  variables?: Document;
  /** The command's (or collection's) collation document; strings compare under it. */
  collation?: unknown;
  /**
   * The collection's indexes (listIndexes form): $text needs a text index and
   * $near a geo index among them. Omitted for secondary compiles (positional
   * projection, update positional), which then accept $text/$near leniently.
   */
  indexes?: readonly Document[];
  /** Internal: the top-level placement rules for $text/$near were checked already. */
  placementChecked?: boolean;
}

function badValue(message: string): CommandError {
  return new CommandError(ErrorCodes.BadValue, message);
}

function isRegex(v: unknown): boolean {
  return bsonTypeOf(v) === 'regex';
}

function toRegExp(v: unknown, extraOptions = ''): RegExp {
  if (v instanceof RegExp) return extraOptions ? new RegExp(v.source, v.flags + extraOptions) : v;
  const r = v as { pattern: string; options: string };
  const flags = [...new Set((r.options + extraOptions).split('').filter((f) => 'imsu'.includes(f)))].join('');
  let pattern = r.pattern;
  if ((r.options + extraOptions).includes('x')) pattern = pattern.replace(/\s+|#.*$/gm, '');
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    throw badValue(`Regular expression is invalid: ${(e as Error).message}`);
  }
}

function regexTest(re: RegExp): ValueTest {
  return (v) => (typeof v === 'string' ? re.test(v) : isRegex(v) && valuesEqual(v, re));
}

function equalityTest(operand: unknown, collator: StringComparator | undefined): ValueTest {
  if (isRegex(operand)) return regexTest(toRegExp(operand));
  return (v) => valuesEqual(v, operand, collator);
}

/** Applies `test` to the values reached by the path, and to elements of arrays reached. */
function anyValue(values: unknown[], test: ValueTest, lookInsideArrays = true): boolean {
  for (const v of values) {
    if (test(v)) return true;
    if (lookInsideArrays && Array.isArray(v) && v.some((e) => test(e))) return true;
  }
  return false;
}

function comparison(op: string, operand: unknown, collator: StringComparator | undefined): ValueTest {
  const ok = (c: number): boolean => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
  const operandType = bsonTypeOf(operand);
  return (v) => {
    // MinKey/MaxKey operands compare across every type; otherwise comparisons stay within a type bracket.
    if (operandType !== 'minKey' && operandType !== 'maxKey' && typeRank(v) !== typeRank(operand)) return false;
    if (v === undefined && operand !== undefined && (op === '$gt' || op === '$lt')) return false;
    return ok(compareValues(v, operand, collator));
  };
}

function typeTest(operand: unknown): ValueTest {
  const wanted = (Array.isArray(operand) ? operand : [operand]).map((t) => {
    if (typeof t === 'string') {
      if (t === 'number') return 'number';
      if (!(t in TYPE_CODES)) throw badValue(`Unknown type name alias: ${t}`);
      return t;
    }
    const code = toNumber(t);
    const name = Object.entries(TYPE_CODES).find(([, c]) => c === code)?.[0];
    if (!name) throw badValue(`Invalid numerical type code: ${String(t)}`);
    return name;
  });
  return (v) => {
    const t = bsonTypeOf(v);
    if (t === 'missing') return false;
    return wanted.some((w) => w === t || (w === 'number' && (t === 'int' || t === 'long' || t === 'double' || t === 'decimal')));
  };
}

function inTest(operand: unknown, collator: StringComparator | undefined): ValueTest {
  if (!Array.isArray(operand)) throw badValue('$in needs an array');
  const tests = operand.map((o) => {
    if (isPlainDocument(o) && Object.keys(o).some((k) => k.startsWith('$'))) throw badValue('cannot nest $ under $in');
    return equalityTest(o, collator);
  });
  return (v) => tests.some((t) => t(v));
}

function bitsTest(op: string, operand: unknown): ValueTest {
  let mask = 0n;
  if (Array.isArray(operand)) for (const p of operand) mask |= 1n << BigInt(toNumber(p));
  else mask = BigInt(Math.trunc(toNumber(operand)));
  return (v) => {
    if (bsonTypeOf(v) !== 'int' && bsonTypeOf(v) !== 'long' && bsonTypeOf(v) !== 'double') return false;
    const n = toNumber(v);
    if (!Number.isInteger(n)) return false;
    const bits = BigInt.asUintN(64, BigInt(n));
    const m = BigInt.asUintN(64, mask);
    switch (op) {
      case '$bitsAllSet': return (bits & m) === m;
      case '$bitsAnySet': return (bits & m) !== 0n;
      case '$bitsAllClear': return (bits & m) === 0n;
      default: return (bits & m) !== m;
    }
  };
}

/** A predicate over the values a path reaches, for one operator document like {$gt: 1, $lt: 5}. */
function compileOperators(ops: Document, options: MatchOptions): (values: unknown[]) => boolean {
  const parts: Array<(values: unknown[]) => boolean> = [];
  const regexOptions = typeof ops.$options === 'string' ? ops.$options : '';
  const collator = collatorFor(options.collation);
  for (const [op, operand] of Object.entries(ops)) {
    switch (op) {
      case '$eq': { const t = equalityTest(operand, collator); parts.push((vs) => anyValue(vs, t)); break; }
      case '$ne': { const t = equalityTest(operand, collator); parts.push((vs) => !anyValue(vs, t)); break; }
      case '$gt': case '$gte': case '$lt': case '$lte': {
        const t = comparison(op, operand, collator);
        parts.push((vs) => anyValue(vs, t));
        break;
      }
      case '$in': { const t = inTest(operand, collator); parts.push((vs) => anyValue(vs, t)); break; }
      case '$nin': { const t = inTest(operand, collator); parts.push((vs) => !anyValue(vs, t)); break; }
      case '$exists': {
        const want = Boolean(operand !== 0 && operand !== false && operand !== null && toNumber(operand) !== 0);
        parts.push((vs) => vs.some((v) => v !== undefined) === want);
        break;
      }
      case '$type': { const t = typeTest(operand); parts.push((vs) => anyValue(vs, t)); break; }
      case '$size': {
        const n = toNumber(operand);
        if (!Number.isInteger(n)) throw badValue('$size must be a whole number');
        parts.push((vs) => vs.some((v) => Array.isArray(v) && v.length === n));
        break;
      }
      case '$regex': {
        const t = regexTest(toRegExp(typeof operand === 'string' ? { pattern: operand, options: '' } : operand, regexOptions));
        parts.push((vs) => anyValue(vs, t));
        break;
      }
      case '$options': break;
      case '$mod': { const t = compileMod(operand); parts.push((vs) => anyValue(vs, t)); break; }
      case '$all': {
        if (!Array.isArray(operand)) throw badValue('$all needs an array');
        const tests = operand.map((o) => (isPlainDocument(o) && '$elemMatch' in o ? compileElemMatch(o.$elemMatch, options) : equalityTest(o, collator)));
        parts.push((vs) => tests.length > 0 && tests.every((t) => anyValue(vs, t)));
        break;
      }
      case '$elemMatch': {
        const t = compileElemMatch(operand, options);
        parts.push((vs) => vs.some((v) => Array.isArray(v) && v.some((e) => t(e))));
        break;
      }
      case '$not': {
        const inner = isPlainDocument(operand) ? compileOperators(operand, options)
          : isRegex(operand) ? ((vs: unknown[]) => anyValue(vs, regexTest(toRegExp(operand)))) : undefined;
        if (!inner) throw badValue('$not needs a regex or a document');
        parts.push((vs) => !inner(vs));
        break;
      }
      case '$bitsAllSet': case '$bitsAnySet': case '$bitsAllClear': case '$bitsAnyClear': {
        const t = bitsTest(op, operand);
        parts.push((vs) => anyValue(vs, t));
        break;
      }
      case '$geoWithin': case '$within': { const t = compileGeoWithin(operand); parts.push((vs) => anyValue(vs, t)); break; }
      case '$geoIntersects': { const t = compileGeoIntersects(operand); parts.push((vs) => anyValue(vs, t)); break; }
      case '$comment': break;
      default:
        throw badValue(`unknown operator: ${op}`);
    }
  }
  return (vs) => parts.every((p) => p(vs));
}

function compileElemMatch(operand: unknown, options: MatchOptions): ValueTest {
  if (!isPlainDocument(operand)) throw badValue('$elemMatch needs an Object');
  const keys = Object.keys(operand);
  const operatorForm = keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr', '$where'].includes(k));
  if (operatorForm) {
    const ops = compileOperators(operand, options);
    return (e) => ops([e]);
  }
  const pred = compileFilter(operand, options);
  return (e) => isPlainDocument(e) && pred(e);
}

function isOperatorDocument(value: unknown): value is Document {
  if (!isPlainDocument(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && (keys[0] as string).startsWith('$');
}

function compileField(path: string, condition: unknown, options: MatchOptions): Predicate {
  if (isNearCondition(condition)) return compileNearField(path, condition, options.indexes);
  const parts = splitPath(path);
  const test = isOperatorDocument(condition)
    ? compileOperators(condition, options)
    : ((t: ValueTest) => (vs: unknown[]) => anyValue(vs, t))(equalityTest(condition, collatorFor(options.collation)));
  return (doc) => test(resolvePath(doc, parts));
}

function compileList(op: string, operand: unknown, options: MatchOptions): Predicate[] {
  if (!Array.isArray(operand)) throw badValue(`${op} must be an array`);
  if (operand.length === 0) throw badValue('$and/$or/$nor must be a nonempty array');
  return operand.map((sub) => {
    if (!isPlainDocument(sub)) throw badValue(`$or/$and/$nor entries need to be full objects`);
    return compileFilter(sub, options);
  });
}

/** Compiles a query filter into a predicate. Throws CommandError(BadValue) on malformed filters. */
export function compileFilter(filter: Document | undefined, options: MatchOptions = {}): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainDocument(filter)) throw badValue('filter must be an object');
  if (!options.placementChecked) {
    checkSpecialPlacement(filter, options.indexes);
    options = { ...options, placementChecked: true };
  }
  const predicates: Predicate[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$')) {
      switch (key) {
        case '$and': { const ps = compileList(key, value, options); predicates.push((d) => ps.every((p) => p(d))); break; }
        case '$or': { const ps = compileList(key, value, options); predicates.push((d) => ps.some((p) => p(d))); break; }
        case '$nor': { const ps = compileList(key, value, options); predicates.push((d) => !ps.some((p) => p(d))); break; }
        case '$expr': predicates.push((d) => mingoExprTest(value, d, options)); break;
        case '$jsonSchema': predicates.push(compileJsonSchema(value)); break;
        case '$comment': break;
        case '$alwaysTrue': break;
        case '$alwaysFalse': predicates.push(() => false); break;
        case '$where': throw new CommandError(ErrorCodes.NotImplemented, '$where is not supported by the embedded server');
        case '$text': predicates.push(compileText(value, options.indexes)); break;
        default: throw badValue(`unknown top level operator: ${key}`);
      }
    } else {
      predicates.push(compileField(key, value, options));
    }
  }
  return (doc) => predicates.every((p) => p(doc));
}

export function matches(doc: Document, filter: Document | undefined, options: MatchOptions = {}): boolean {
  return compileFilter(filter, options)(doc);
}
