// mingo computes with plain JavaScript numbers; our canonical documents keep
// BSON numeric wrappers. These views convert at the boundary. Decimal128 values
// cross as they are: the operators in decimal/mingo-context.ts compute with them exactly.
import { Aggregator } from 'mingo/aggregator';
import { Query } from 'mingo/query';
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { BSONRegExp, Double, Int32, Long } from './bson-types.js';
import { serverMingoContext } from './decimal/mingo-context.js';

export function toMingoValue(value: unknown): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Long) {
    const n = value.toNumber();
    return Number.isSafeInteger(n) ? n : value;
  }
  if (value instanceof BSONRegExp) {
    try {
      return new RegExp(value.pattern, value.options.replace(/[^imsu]/g, ''));
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(toMingoValue);
  if (typeof value === 'object' && value !== null && !('_bsontype' in value) && !(value instanceof Date) && !(value instanceof RegExp)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = toMingoValue(v);
    return out;
  }
  return value;
}

export interface MingoRunOptions {
  variables?: Document;
  collectionResolver?: (name: string) => Document[];
  /** The command's collation document (mingo applies it where it compares strings). */
  collation?: unknown;
}

function mingoCollation(collation: unknown): Document | undefined {
  if (typeof collation !== 'object' || collation === null || Array.isArray(collation)) return undefined;
  const spec = collation as Document;
  return typeof spec.locale === 'string' && spec.locale !== 'simple' ? (toMingoValue(spec) as Document) : undefined;
}

function options(opts: MingoRunOptions): Record<string, unknown> {
  const collation = mingoCollation(opts.collation);
  return {
    context: serverMingoContext(),
    ...(collation ? { collation } : {}),
    ...(opts.variables ? { variables: toMingoValue(opts.variables) } : {}),
    ...(opts.collectionResolver ? { collectionResolver: (n: string) => opts.collectionResolver?.(n).map((d) => toMingoValue(d)) ?? [] } : {}),
  };
}

/** Evaluates an aggregation expression against a document via mingo's $expr. */
export function mingoExprTest(expr: unknown, doc: Document, opts: MingoRunOptions = {}): boolean {
  try {
    return new Query({ $expr: toMingoValue(expr) }, options(opts)).test(toMingoValue(doc) as Document);
  } catch (error) {
    throw asServerError(error);
  }
}

/** mongod's code for "Use of undefined variable" (spec tests expect it on write errors). */
const UNDEFINED_VARIABLE_CODE = 17276;

/** mingo throws plain Errors; the ones mongod reports with a code of its own get that code. */
function asServerError(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('Use of undefined variable')) {
    return new CommandError(UNDEFINED_VARIABLE_CODE, error.message);
  }
  return error;
}

/** Runs aggregation stages through mingo. */
export function mingoAggregate(docs: Document[], pipeline: Document[], opts: MingoRunOptions = {}): Document[] {
  const agg = new Aggregator(pipeline.map((s) => toMingoValue(s) as Document), options(opts));
  return agg.run(docs.map((d) => toMingoValue(d) as Document)) as Document[];
}

/**
 * Evaluates a command's `let` document once, as mongod does: each value is an
 * expression (`{ $literal: '$x' }` becomes the string '$x', `$rand` draws once).
 */
export function evaluateLetVariables(letDoc: Document | undefined, outer?: Document): Document | undefined {
  if (letDoc === undefined || Object.keys(letDoc).length === 0) return letDoc;
  const [values] = mingoAggregate([{}], [{ $replaceWith: letDoc }], outer ? { variables: outer } : {});
  return values ?? {};
}
