// Update paths: expanding `$`, `$[]` and `$[<id>]` into concrete paths, and
// reading/writing/removing a value at a concrete path.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from './bson-types.js';
import type { Predicate } from './matcher.js';

export interface PathContext {
  /** Index matched by the query's positional `$`, when any. */
  positional: (arrayParts: string[]) => number | undefined;
  /** arrayFilters by identifier: tests one element. */
  arrayFilters: Map<string, Predicate>;
  usedIdentifiers: Set<string>;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Concrete paths (as part lists) that `path` denotes in `doc`. */
export function expandPath(doc: Document, path: string, ctx: PathContext): string[][] {
  const parts = path.split('.');
  let results: Array<{ prefix: string[]; value: unknown }> = [{ prefix: [], value: doc }];
  for (const part of parts) {
    const next: typeof results = [];
    for (const { prefix, value } of results) {
      if (part === '$') {
        const idx = ctx.positional(prefix);
        if (idx === undefined) throw new CommandError(ErrorCodes.BadValue, 'The positional operator did not find the match needed from the query.');
        next.push({ prefix: [...prefix, String(idx)], value: Array.isArray(value) ? value[idx] : undefined });
      } else if (part.startsWith('$[')) {
        if (!Array.isArray(value)) {
          throw new CommandError(ErrorCodes.BadValue, `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`);
        }
        const id = part.slice(2, -1);
        let test: Predicate | undefined;
        if (id !== '') {
          test = ctx.arrayFilters.get(id);
          if (!test) throw new CommandError(ErrorCodes.BadValue, `No array filter found for identifier '${id}' in path '${path}'`);
          ctx.usedIdentifiers.add(id);
        }
        value.forEach((el, i) => {
          if (!test || test({ [id]: el })) next.push({ prefix: [...prefix, String(i)], value: el });
        });
      } else {
        const child = Array.isArray(value) && /^\d+$/.test(part) ? value[Number(part)] : isPlainDocument(value) ? value[part] : undefined;
        next.push({ prefix: [...prefix, part], value: child });
      }
    }
    results = next;
  }
  return results.map((r) => r.prefix);
}

export function getAt(doc: Document, parts: readonly string[]): unknown {
  let current: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(current)) current = /^\d+$/.test(part) ? current[Number(part)] : undefined;
    else if (isPlainDocument(current)) current = current[part];
    else return undefined;
  }
  return current;
}

/** Sets a value, creating intermediate documents; PathNotViable (28) through scalars. */
export function setAt(doc: Document, parts: readonly string[], value: unknown): void {
  let current: unknown = doc;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const last = i === parts.length - 1;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) {
        throw new CommandError(ErrorCodes.PathNotViable, `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${show(current)}}`);
      }
      const idx = Number(part);
      while (current.length < idx) current.push(null);
      if (last) current[idx] = value;
      else {
        if (current[idx] === undefined || current[idx] === null) current[idx] = {};
        current = current[idx];
      }
    } else if (isPlainDocument(current)) {
      if (last) current[part] = value;
      else {
        if (current[part] === undefined || current[part] === null) {
          if (current[part] === null) {
            throw new CommandError(ErrorCodes.PathNotViable, `Cannot create field '${parts[i + 1] ?? ''}' in element {${part}: null}`);
          }
          current[part] = {};
        }
        current = current[part];
      }
    } else {
      throw new CommandError(ErrorCodes.PathNotViable, `Cannot create field '${part}' in element {${parts[i - 1] ?? ''}: ${show(current)}}`);
    }
  }
}

/** Removes a field (array elements become null, as $unset does). Returns whether something was there. */
export function unsetAt(doc: Document, parts: readonly string[]): boolean {
  const parent = getAt(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1] as string;
  if (Array.isArray(parent)) {
    if (!/^\d+$/.test(last) || Number(last) >= parent.length) return false;
    parent[Number(last)] = null;
    return true;
  }
  if (isPlainDocument(parent) && last in parent) {
    delete parent[last];
    return true;
  }
  return false;
}
