// Applies an update (operator document, replacement, or pipeline) to a copy of
// a document, with MongoDB's validation: immutable _id, conflicting paths,
// unknown modifiers, unused array filters.
import { serialize } from '../../bson.js';
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from './bson-types.js';
import { valuesEqual } from './compare.js';
import { compileFilter, type Predicate } from './matcher.js';
import { mingoAggregate } from './mingo-bridge.js';
import { positionalIndex } from './positional.js';
import { applyOperator } from './update-operators.js';
import { expandPath, getAt, setAt, unsetAt, type PathContext } from './update-paths.js';
import { copyDocument } from '../storage/values.js';

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** The query that selected the document (for positional `$`). */
  query?: Predicate;
  variables?: Document;
  /** True when the update builds an upserted document. */
  isInsert?: boolean;
}

export type UpdateKind = 'operators' | 'replacement' | 'pipeline';

const OPERATORS = new Set(['$set', '$setOnInsert', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$currentDate', '$push', '$addToSet', '$pop', '$pull', '$pullAll', '$bit']);

export function updateKind(update: unknown): UpdateKind {
  if (Array.isArray(update)) return 'pipeline';
  if (!isPlainDocument(update)) throw new CommandError(ErrorCodes.FailedToParse, 'Update argument must be either an object or an array');
  const keys = Object.keys(update);
  const dollar = keys.filter((k) => k.startsWith('$'));
  if (dollar.length === 0) return 'replacement';
  const plain = keys.find((k) => !k.startsWith('$'));
  if (plain !== undefined || dollar.length !== keys.length) {
    throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${plain ?? ''}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
  for (const op of dollar) {
    if (!OPERATORS.has(op)) {
      throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainDocument(update[op])) {
      throw new CommandError(ErrorCodes.FailedToParse, `Modifiers operate on fields but we found type ${Array.isArray(update[op]) ? 'array' : typeof update[op]} instead. For example: {$mod: {<field>: ...}} not {${op}: ${JSON.stringify(update[op])}}`);
    }
  }
  return 'operators';
}

function checkConflicts(paths: string[]): void {
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as string;
    const cur = sorted[i] as string;
    if (cur === prev || cur.startsWith(`${prev}.`)) {
      throw new CommandError(ErrorCodes.ConflictingUpdateOperators, `Updating the path '${cur}' would create a conflict at '${prev}'`);
    }
  }
}

function compileArrayFilters(filters: Document[] | undefined): Map<string, Predicate> {
  const map = new Map<string, Predicate>();
  for (const filter of filters ?? []) {
    if (!isPlainDocument(filter)) throw new CommandError(ErrorCodes.FailedToParse, 'arrayFilters entries must be objects');
    const ids = new Set(Object.keys(filter).map((k) => k.split('.')[0] ?? ''));
    if (ids.size !== 1) throw new CommandError(ErrorCodes.FailedToParse, 'Error parsing array filter :: caused by :: Expected a single top-level field name');
    const [id] = ids;
    if (id === undefined || !/^[a-z][a-zA-Z0-9]*$/.test(id)) {
      throw new CommandError(ErrorCodes.BadValue, `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${String(id)}'`);
    }
    if (map.has(id)) throw new CommandError(ErrorCodes.FailedToParse, `Found multiple array filters with the same top-level field name ${id}`);
    map.set(id, compileFilter(filter));
  }
  return map;
}

function applyOperators(doc: Document, update: Document, options: UpdateOptions): void {
  const arrayFilters = compileArrayFilters(options.arrayFilters);
  const ctx: PathContext = {
    positional: (parts) => (options.query ? positionalIndex(doc, parts, options.query) : undefined),
    arrayFilters,
    usedIdentifiers: new Set(),
  };
  const planned: Array<{ op: string; parts: string[]; arg: unknown; to?: string[] }> = [];
  const allPaths: string[] = [];
  for (const [op, fields] of Object.entries(update)) {
    for (const [path, arg] of Object.entries(fields as Document)) {
      if (op === '$rename') {
        if (typeof arg !== 'string') throw new CommandError(ErrorCodes.BadValue, `The 'to' field for $rename must be a string: ${path}: ${String(arg)}`);
        if (arg === path) throw new CommandError(ErrorCodes.BadValue, `The source and target field for $rename must differ: ${path}: "${arg}"`);
        allPaths.push(path, arg);
        planned.push({ op, parts: path.split('.'), arg, to: arg.split('.') });
        continue;
      }
      if (op === '$setOnInsert' && !options.isInsert) continue;
      allPaths.push(path.replace(/\.\$(\[[^\]]*\])?/g, '.$'));
      for (const parts of expandPath(doc, path, ctx)) planned.push({ op, parts, arg });
    }
  }
  checkConflicts(allPaths.filter((p) => !p.includes('$')));
  for (const id of arrayFilters.keys()) {
    if (!ctx.usedIdentifiers.has(id)) {
      throw new CommandError(ErrorCodes.FailedToParse, `The array filter for identifier '${id}' was not used in the update ${JSON.stringify(update)}`);
    }
  }
  for (const { op, parts, arg, to } of planned) {
    if (op === '$rename' && to) {
      const value = getAt(doc, parts);
      if (value === undefined) continue;
      unsetAt(doc, parts);
      setAt(doc, to, value);
    } else applyOperator(doc, op, parts, arg, options.isInsert === true);
  }
}

function sameBytes(a: Document, b: Document): boolean {
  return Buffer.compare(serialize(a), serialize(b)) === 0;
}

/**
 * Returns the updated copy of `original` and whether it changed. Throws
 * ImmutableField (66) when the update would alter _id.
 */
export function applyUpdate(original: Document, update: Document | Document[], options: UpdateOptions = {}): { doc: Document; modified: boolean } {
  const kind = updateKind(update);
  let doc: Document;
  if (kind === 'replacement') {
    doc = copyDocument(update as Document);
    if (doc._id === undefined && original._id !== undefined) doc = { _id: original._id, ...doc };
  } else if (kind === 'pipeline') {
    const [result] = mingoAggregate([original], update as Document[], { variables: options.variables });
    doc = copyDocument(result ?? {});
  } else {
    doc = copyDocument(original);
    applyOperators(doc, update as Document, options);
  }
  if (original._id !== undefined && !valuesEqual(doc._id, original._id)) {
    if (doc._id === undefined && kind === 'pipeline') doc = { _id: original._id, ...doc };
    else {
      throw new CommandError(
        ErrorCodes.ImmutableField,
        kind === 'operators'
          ? "Performing an update on the path '_id' would modify the immutable field '_id'"
          : `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${JSON.stringify(doc._id) ?? 'null'}`,
      );
    }
  }
  if (original._id !== undefined && Object.keys(doc)[0] !== '_id') {
    const { _id, ...rest } = doc;
    doc = { _id, ...rest };
  }
  return { doc, modified: !sameBytes(original, doc) };
}

/** The document an upsert starts from: the query's equality conditions. */
export function upsertSeed(filter: Document | undefined): Document {
  const seed: Document = {};
  const visit = (f: Document): void => {
    for (const [key, value] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isPlainDocument(sub)) visit(sub);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isPlainDocument(value)) {
        const keys = Object.keys(value);
        if (keys.length > 0 && keys[0]?.startsWith('$')) {
          if ('$eq' in value) setAt(seed, key.split('.'), value.$eq);
          continue;
        }
      }
      setAt(seed, key.split('.'), value);
    }
  };
  if (filter) visit(filter);
  return copyDocument(seed);
}
