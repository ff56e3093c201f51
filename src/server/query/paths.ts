// Dotted-path access with MongoDB's implicit array traversal.
import { isPlainDocument } from './bson-types.js';
import type { Document } from '../../bson.js';

export function splitPath(path: string): string[] {
  return path.split('.');
}

function isIndex(part: string): boolean {
  return /^\d+$/.test(part);
}

/**
 * Every value `path` reaches in `value`, traversing arrays as queries do. A
 * terminal array is returned as is (the caller decides whether to look inside).
 * Unreached leaves are reported as `undefined` so null-equality sees them.
 */
export function resolvePath(value: unknown, parts: readonly string[], from = 0): unknown[] {
  if (from === parts.length) return [value];
  const part = parts[from] as string;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    if (isIndex(part)) {
      const idx = Number(part);
      if (idx < value.length) out.push(...resolvePath(value[idx], parts, from + 1));
    }
    for (const element of value) {
      if (isPlainDocument(element)) out.push(...resolvePath(element, parts, from));
    }
    if (out.length === 0) out.push(undefined);
    return out;
  }
  if (isPlainDocument(value)) return resolvePath(value[part], parts, from + 1);
  return [undefined];
}

/** The single value at `path` (numeric parts index arrays; no fan-out). */
export function getPath(doc: unknown, path: string | readonly string[]): unknown {
  const parts = typeof path === 'string' ? splitPath(path) : path;
  let current: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(current) && isIndex(part)) current = current[Number(part)];
    else if (isPlainDocument(current)) current = current[part];
    else return undefined;
  }
  return current;
}

/** Values at `path` for sort keys and index keys: arrays along the way are fanned out. */
export function pathValuesForKeys(doc: unknown, path: string): unknown[] {
  const values = resolvePath(doc, splitPath(path));
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(undefined);
      else out.push(...v);
    } else out.push(v);
  }
  return out;
}

export function hasPath(doc: Document, path: string): boolean {
  return resolvePath(doc, splitPath(path)).some((v) => v !== undefined);
}
