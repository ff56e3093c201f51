// The update operators ($set, $inc, $push, …) applied to one concrete path.
import { Timestamp } from '../../bson.js';
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { arithmetic, zeroLike } from './arithmetic.js';
import { bsonTypeOf, isNumeric, isPlainDocument, toNumber } from './bson-types.js';
import { compareValues, valuesEqual } from './compare.js';
import { compileFilter } from './matcher.js';
import { sortDocuments } from './sort.js';
import { getAt, setAt, unsetAt } from './update-paths.js';

function typeMismatch(message: string): CommandError {
  return new CommandError(ErrorCodes.TypeMismatch, message);
}

function idOf(doc: Document): string {
  return `{_id: ${JSON.stringify(doc._id) ?? 'null'}}`;
}

function requireArray(doc: Document, parts: string[], op: string): unknown[] | undefined {
  const current = getAt(doc, parts);
  if (current === undefined) return undefined;
  if (!Array.isArray(current)) {
    throw new CommandError(
      ErrorCodes.BadValue,
      `The field '${parts.join('.')}' must be an array but is of type ${bsonTypeOf(current)} in document ${idOf(doc)}`,
      { operator: op },
    );
  }
  return current;
}

function sortEach(values: unknown[], spec: unknown): unknown[] {
  if (isPlainDocument(spec)) {
    return sortDocuments(values.map((v) => (isPlainDocument(v) ? v : { '': v })) as Document[], spec);
  }
  const dir = toNumber(spec) === -1 ? -1 : 1;
  return [...values].sort((a, b) => compareValues(a, b) * dir);
}

function push(doc: Document, parts: string[], arg: unknown): void {
  const existing = requireArray(doc, parts, '$push') ?? [];
  const modifiers = isPlainDocument(arg) && '$each' in arg ? arg : undefined;
  const each = modifiers ? modifiers.$each : [arg];
  if (!Array.isArray(each)) throw new CommandError(ErrorCodes.BadValue, `The argument to $each in $push must be an array but it was of type: ${bsonTypeOf(each)}`);
  let result = [...existing];
  const position = modifiers?.$position;
  if (position !== undefined) {
    let p = toNumber(position);
    if (p < 0) p = Math.max(result.length + p, 0);
    result.splice(Math.min(p, result.length), 0, ...each);
  } else result.push(...each);
  if (modifiers?.$sort !== undefined) result = sortEach(result, modifiers.$sort);
  if (modifiers?.$slice !== undefined) {
    const n = toNumber(modifiers.$slice);
    result = n >= 0 ? result.slice(0, n) : result.slice(Math.max(result.length + n, 0));
  }
  setAt(doc, parts, result);
}

function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainDocument(condition)) {
    const keys = Object.keys(condition);
    const operatorForm = keys.length > 0 && keys.every((k) => k.startsWith('$') && k !== '$and' && k !== '$or' && k !== '$nor');
    if (operatorForm) {
      const test = compileFilter({ v: condition });
      return (e) => test({ v: e });
    }
    const test = compileFilter(condition);
    return (e) => isPlainDocument(e) && test(e);
  }
  return (e) => valuesEqual(e, condition);
}

/** Applies one operator to one concrete path of `doc` (mutating it). */
export function applyOperator(doc: Document, op: string, parts: string[], arg: unknown, isInsert: boolean): void {
  const path = parts.join('.');
  switch (op) {
    case '$set':
      setAt(doc, parts, arg);
      return;
    case '$setOnInsert':
      if (isInsert) setAt(doc, parts, arg);
      return;
    case '$unset':
      unsetAt(doc, parts);
      return;
    case '$inc': case '$mul': {
      if (!isNumeric(arg)) {
        throw typeMismatch(`Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(arg)}}`);
      }
      const current = getAt(doc, parts);
      if (current === undefined) {
        setAt(doc, parts, op === '$inc' ? arg : zeroLike(arg));
        return;
      }
      if (!isNumeric(current)) {
        throw typeMismatch(`Cannot apply ${op} to a value of non-numeric type. ${idOf(doc)} has the field '${parts[parts.length - 1] ?? ''}' of non-numeric type ${bsonTypeOf(current)}`);
      }
      setAt(doc, parts, arithmetic(current, arg, op === '$inc' ? 'add' : 'mul'));
      return;
    }
    case '$min': case '$max': {
      const current = getAt(doc, parts);
      const c = compareValues(arg, current);
      if (current === undefined || (op === '$min' ? c < 0 : c > 0)) setAt(doc, parts, arg);
      return;
    }
    case '$currentDate': {
      const wantsTimestamp = isPlainDocument(arg) && arg.$type === 'timestamp';
      setAt(doc, parts, wantsTimestamp ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date());
      return;
    }
    case '$push':
      push(doc, parts, arg);
      return;
    case '$addToSet': {
      const existing = requireArray(doc, parts, '$addToSet') ?? [];
      const each = isPlainDocument(arg) && '$each' in arg ? arg.$each : [arg];
      if (!Array.isArray(each)) throw new CommandError(ErrorCodes.TypeMismatch, 'The argument to $each in $addToSet must be an array');
      const result = [...existing];
      for (const v of each) if (!result.some((e) => valuesEqual(e, v))) result.push(v);
      setAt(doc, parts, result);
      return;
    }
    case '$pop': {
      const existing = requireArray(doc, parts, '$pop');
      if (!existing || existing.length === 0) return;
      setAt(doc, parts, toNumber(arg) === -1 ? existing.slice(1) : existing.slice(0, -1));
      return;
    }
    case '$pull': case '$pullAll': {
      const existing = requireArray(doc, parts, op);
      if (!existing) return;
      let test: (e: unknown) => boolean;
      if (op === '$pullAll') {
        if (!Array.isArray(arg)) throw new CommandError(ErrorCodes.BadValue, `$pullAll requires an array argument but was given a ${bsonTypeOf(arg)}`);
        test = (e) => arg.some((v) => valuesEqual(e, v));
      } else test = pullMatcher(arg);
      setAt(doc, parts, existing.filter((e) => !test(e)));
      return;
    }
    default:
      throw new CommandError(ErrorCodes.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
  }
}
