// find/findAndModify projections: inclusion, exclusion, $slice, $elemMatch,
// positional `a.$`, and computed fields (evaluated by mingo).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber } from './bson-types.js';
import { compileFilter, type Predicate } from './matcher.js';
import { mingoAggregate } from './mingo-bridge.js';
import { positionalIndex } from './positional.js';
import { nearDistanceOf, textScoreOf } from './query-metadata.js';

type Rule =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'slice'; skip: number; limit: number | undefined }
  | { kind: 'elemMatch'; test: Predicate }
  | { kind: 'positional' }
  | { kind: 'computed'; expr: unknown }
  | { kind: 'meta'; meta: 'textScore' | 'geoNearDistance' };

export interface ProjectionContext {
  /** The query, for positional projection. */
  query?: Predicate;
  variables?: Document;
}

function ruleOf(path: string, value: unknown): Rule {
  if (path.endsWith('.$')) return { kind: 'positional' };
  if (isPlainDocument(value)) {
    if ('$slice' in value) {
      const s = value.$slice;
      if (Array.isArray(s)) return { kind: 'slice', skip: toNumber(s[0]), limit: toNumber(s[1]) };
      return { kind: 'slice', skip: 0, limit: toNumber(s) };
    }
    if ('$meta' in value && Object.keys(value).length === 1) {
      if (value.$meta === 'textScore' || value.$meta === 'geoNearDistance') return { kind: 'meta', meta: value.$meta };
      throw new CommandError(ErrorCodes.BadValue, `unsupported $meta in projection: ${String(value.$meta)}`);
    }
    if ('$elemMatch' in value) {
      const inner = compileFilter({ e: { $elemMatch: value.$elemMatch } });
      return { kind: 'elemMatch', test: (el) => inner({ e: [el] }) };
    }
    return { kind: 'computed', expr: value };
  }
  const t = bsonTypeOf(value);
  if (t === 'bool' || t === 'int' || t === 'long' || t === 'double' || t === 'decimal') {
    return toNumber(value) === 0 || value === false ? { kind: 'exclude' } : { kind: 'include' };
  }
  return { kind: 'computed', expr: value };
}

function applySlice(arr: unknown[], skip: number, limit: number | undefined): unknown[] {
  if (limit === undefined || Number.isNaN(limit)) return arr;
  if (skip === 0 && limit !== undefined) return limit >= 0 ? arr.slice(0, limit) : arr.slice(Math.max(arr.length + limit, 0));
  const start = skip < 0 ? Math.max(arr.length + skip, 0) : skip;
  return arr.slice(start, start + Math.max(limit, 0));
}

function includePath(source: unknown, parts: string[]): unknown {
  if (Array.isArray(source)) {
    return source.filter((e) => isPlainDocument(e) || Array.isArray(e)).map((e) => includePath(e, parts));
  }
  if (!isPlainDocument(source)) return undefined;
  const [head, ...rest] = parts;
  if (head === undefined || !(head in source)) return {};
  if (rest.length === 0) return { [head]: source[head] };
  const inner = includePath(source[head], rest);
  return inner === undefined ? {} : { [head]: inner };
}

function merge(target: Document, addition: Document): void {
  for (const [k, v] of Object.entries(addition)) {
    if (isPlainDocument(target[k]) && isPlainDocument(v)) merge(target[k], v);
    else if (Array.isArray(target[k]) && Array.isArray(v)) {
      const t = target[k] as unknown[];
      v.forEach((e, i) => (isPlainDocument(t[i]) && isPlainDocument(e) ? merge(t[i], e) : (t[i] = e)));
    } else target[k] = v;
  }
}

function excludePath(target: unknown, parts: string[]): void {
  if (Array.isArray(target)) {
    for (const e of target) excludePath(e, parts);
    return;
  }
  if (!isPlainDocument(target)) return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) delete target[head];
  else excludePath(target[head], rest);
}

function transformAt(target: unknown, parts: string[], fn: (v: unknown) => unknown): void {
  if (!isPlainDocument(target)) return;
  const [head, ...rest] = parts;
  if (head === undefined || !(head in target)) return;
  if (rest.length === 0) {
    const out = fn(target[head]);
    if (out === undefined) delete target[head];
    else target[head] = out;
  } else transformAt(target[head], rest, fn);
}

/** Compiles a projection into a function producing the projected copy of a document. */
export function compileProjection(spec: Document | undefined, context: ProjectionContext = {}): (doc: Document) => Document {
  if (!spec || Object.keys(spec).length === 0) return (doc) => doc;
  const rules = Object.entries(spec).map(([path, value]) => ({ path, rule: ruleOf(path, value) }));
  const nonId = rules.filter((r) => r.path !== '_id');
  const exclusion = nonId.some((r) => r.rule.kind === 'exclude');
  // `{ _id: 1 }` alone is an inclusion projection: only _id comes back.
  const idOnlyInclusion = nonId.length === 0 && rules.some((r) => r.path === '_id' && r.rule.kind === 'include');
  const inclusion =
    idOnlyInclusion || nonId.some((r) => r.rule.kind === 'include' || r.rule.kind === 'computed' || r.rule.kind === 'positional' || r.rule.kind === 'elemMatch');
  if (inclusion && exclusion) {
    const exIndex = nonId.findIndex((r) => r.rule.kind === 'exclude');
    const inIndex = nonId.findIndex((r) => r.rule.kind !== 'exclude');
    throw inIndex < exIndex
      ? new CommandError(31254, `Cannot do exclusion on field ${nonId[exIndex]?.path ?? ''} in inclusion projection`)
      : new CommandError(31253, `Cannot do inclusion on field ${nonId[inIndex]?.path ?? ''} in exclusion projection`);
  }
  const idRule = rules.find((r) => r.path === '_id')?.rule;
  const excludeId = idRule?.kind === 'exclude';
  const computed = rules.filter((r) => r.rule.kind === 'computed');

  return (doc) => {
    let out: Document;
    if (inclusion) {
      out = {};
      if (!excludeId && doc._id !== undefined) out._id = doc._id;
      for (const { path, rule } of rules) {
        if (rule.kind === 'include' || rule.kind === 'slice' || rule.kind === 'elemMatch') {
          if (path === '_id') continue;
          merge(out, includePath(doc, path.split('.')) as Document);
        } else if (rule.kind === 'positional') {
          const arrayParts = path.slice(0, -2).split('.');
          const idx = context.query ? positionalIndex(doc, arrayParts, context.query) : undefined;
          if (idx === undefined) {
            throw new CommandError(ErrorCodes.BadValue, 'Executor error during find command :: caused by :: positional operator \'.$\' couldn\'t find a matching element in the array');
          }
          merge(out, includePath(doc, arrayParts) as Document);
          transformAt(out, arrayParts, (v) => (Array.isArray(v) ? [v[idx]] : v));
        }
      }
    } else {
      out = structuredCopy(doc);
      for (const { path, rule } of rules) if (rule.kind === 'exclude') excludePath(out, path.split('.'));
    }
    for (const { path, rule } of rules) {
      if (rule.kind === 'slice') transformAt(out, path.split('.'), (v) => (Array.isArray(v) ? applySlice(v, rule.skip, rule.limit) : v));
      if (rule.kind === 'elemMatch') {
        const arr = doc[path];
        const found = Array.isArray(arr) ? arr.find((e) => rule.test(e as Document)) : undefined;
        if (found === undefined) delete out[path];
        else out[path] = [found];
      }
    }
    for (const { path, rule } of rules) {
      if (rule.kind !== 'meta') continue;
      const value = rule.meta === 'textScore' ? textScoreOf(doc) : nearDistanceOf(doc);
      if (value === undefined) throw new CommandError(40218, `query requires ${rule.meta === 'textScore' ? 'text score' : 'geoNear distance'} metadata, but it is not available`);
      out[path] = value;
    }
    if (computed.length > 0) {
      const project: Document = { _id: 0 };
      for (const { path, rule } of computed) if (rule.kind === 'computed') project[path] = rule.expr;
      const [values] = mingoAggregate([doc], [{ $project: project }], { variables: context.variables });
      if (values) merge(out, values);
    }
    return out;
  };
}

function structuredCopy(doc: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(doc)) {
    out[k] = Array.isArray(v) ? v.map((e: unknown) => (isPlainDocument(e) ? structuredCopy(e) : e)) : isPlainDocument(v) ? structuredCopy(v) : v;
  }
  return out;
}
