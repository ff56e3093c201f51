// What an update's modifiers tell change streams about how mongod logs the
// write. For a modifier-style update ({ $set: ..., $push: ... }) mongod records
// each modified path as a whole at the depth the modifier names it: $set of
// "a.b" reports "a.b", $set of "a" to a new sub-document reports "a" (not the
// changed leaves inside it). $push / $addToSet that only append report the new
// elements as "arr.N"; $pop / $pull / $pullAll report the whole resulting array
// (truncatedArrays is reserved for pipeline updates, as the manual says).
// The positional $ matches one array index. Array-filter segments ($[], $[id])
// follow mongod's array node: several modified elements log the whole array,
// one modified element among several matched logs that element whole, a lone
// match logs its own paths. Which elements $[id] matched is not known here, so
// it counts as matching only the modified ones (a simplification).
import { isPlainDocument } from '../query/bson-types.js';

/** How the diff reports a value at a path a modifier names. */
export type PathMode = 'whole' | 'append';

/** A path component: a field name or index, `$` (one matched index), `$[]` (every index) or `$[id]` (filtered indexes). */
export type PathSegment = string | { readonly positional: '$' | '$[]' | '$[id]' };

export interface ModifiedPath {
  readonly segments: readonly PathSegment[];
  readonly mode: PathMode;
}

/** Where the diff stands at an array that a modifier updates through $[] or $[id]. */
export interface ArrayNodePosition {
  readonly arrayNode: '$[]' | '$[id]';
}

const APPENDING = new Set(['$push', '$addToSet']);
const IGNORED = new Set(['$setOnInsert']);

function parsePath(path: string): PathSegment[] {
  return path.split('.').map((part): PathSegment => {
    if (part === '$') return { positional: '$' };
    if (part === '$[]') return { positional: '$[]' };
    return /^\$\[[^\]]+\]$/u.test(part) ? { positional: '$[id]' } : part;
  });
}

/**
 * The paths a modifier-style update names, or undefined when `update` is not one
 * (a pipeline or replacement: the diff alone describes those).
 */
export function modifiedPaths(update: unknown): ModifiedPath[] | undefined {
  if (!isPlainDocument(update)) return undefined;
  const operators = Object.keys(update);
  if (operators.length === 0 || !operators.every((op) => op.startsWith('$'))) return undefined;
  const paths: ModifiedPath[] = [];
  for (const op of operators) {
    const fields: unknown = update[op];
    if (IGNORED.has(op) || !isPlainDocument(fields)) continue;
    for (const [path, value] of Object.entries(fields)) {
      paths.push({ segments: parsePath(path), mode: APPENDING.has(op) ? 'append' : 'whole' });
      if (op === '$rename' && typeof value === 'string') paths.push({ segments: parsePath(value), mode: 'whole' });
    }
  }
  return paths;
}

/** Object keys and array indexes of the diff's current path. */
export type PathKey = string | number;

function segmentMatches(segment: PathSegment | undefined, key: PathKey): boolean {
  if (segment === undefined) return false;
  if (typeof segment !== 'string') return typeof key === 'number';
  return String(key) === segment;
}

function matchesPrefix(path: ModifiedPath, keys: readonly PathKey[]): boolean {
  return keys.length <= path.segments.length && keys.every((key, i) => segmentMatches(path.segments[i], key));
}

/**
 * Where `keys` sits relative to the modified paths: 'whole' / 'append' when a
 * modifier names exactly this path, 'inside' when the diff must descend to
 * reach a named path, 'outside' when no modifier touches it.
 */
export function positionOf(paths: readonly ModifiedPath[], keys: readonly PathKey[]): PathMode | ArrayNodePosition | 'inside' | 'outside' {
  let inside = false;
  let arrayNode: ArrayNodePosition | undefined;
  for (const path of paths) {
    if (!matchesPrefix(path, keys)) continue;
    if (path.segments.length === keys.length) return path.mode;
    const next = path.segments[keys.length];
    if (typeof next === 'object' && next.positional !== '$') arrayNode = next.positional === '$[]' || arrayNode === undefined ? { arrayNode: next.positional } : arrayNode;
    inside = true;
  }
  return arrayNode ?? (inside ? 'inside' : 'outside');
}
