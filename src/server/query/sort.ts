// Sorting with MongoDB's order: per field, an array contributes its smallest
// element to an ascending sort and its largest to a descending one.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument, toNumber } from './bson-types.js';
import { collatorFor, type StringComparator } from './collation.js';
import { compareValues } from './compare.js';
import { pathValuesForKeys } from './paths.js';
import { nearDistanceOf, textScoreOf } from './query-metadata.js';

interface SortField {
  path: string;
  direction: 1 | -1;
  /** { $meta: 'textScore' } sorts by descending score; 'geoNearDistance' by ascending distance. */
  meta?: 'textScore' | 'geoNearDistance';
}

const META_KINDS = ['textScore', 'geoNearDistance'] as const;

export function parseSort(spec: unknown): SortField[] {
  if (spec === undefined || spec === null) return [];
  if (!isPlainDocument(spec)) throw new CommandError(ErrorCodes.TypeMismatch, 'sort must be an object');
  return Object.entries(spec).map(([path, dir]) => {
    if (isPlainDocument(dir) && '$meta' in dir) {
      const meta = META_KINDS.find((m) => m === dir.$meta);
      if (meta === undefined) throw new CommandError(ErrorCodes.BadValue, `unknown $meta sort: ${String(dir.$meta)}`);
      return { path, direction: meta === 'textScore' ? (-1 as const) : (1 as const), meta };
    }
    const n = toNumber(dir);
    if (n !== 1 && n !== -1) {
      throw new CommandError(15974, `Illegal key in $sort specification: ${path}: ${String(dir)}`);
    }
    return { path, direction: n };
  });
}

function sortKey(doc: Document, field: SortField, collator: StringComparator | undefined): unknown {
  if (field.meta === 'textScore') return textScoreOf(doc) ?? 0;
  if (field.meta === 'geoNearDistance') return nearDistanceOf(doc) ?? Infinity;
  const values = pathValuesForKeys(doc, field.path);
  let best: unknown = values[0];
  for (const v of values.slice(1)) {
    const c = compareValues(v, best, collator);
    if ((field.direction === 1 && c < 0) || (field.direction === -1 && c > 0)) best = v;
  }
  return best;
}

/**
 * Sorts a copy of `docs` (stable). `$natural` keeps or reverses natural order.
 * `collation` (a collation document) orders strings.
 */
export function sortDocuments<T extends Document>(docs: T[], spec: unknown, collation?: unknown): T[] {
  const fields = parseSort(spec);
  if (fields.length === 0) return [...docs];
  if (fields.length === 1 && fields[0]?.path === '$natural') return fields[0].direction === 1 ? [...docs] : [...docs].reverse();
  const compare = keyComparator(fields, collation);
  const collator = collatorFor(collation);
  const keyed = docs.map((doc) => ({ doc, keys: fields.map((f) => sortKey(doc, f, collator)) }));
  keyed.sort((a, b) => compare(a.keys, b.keys));
  return keyed.map((k) => k.doc);
}

function keyComparator(fields: SortField[], collation: unknown): (a: unknown[], b: unknown[]) => number {
  const collator = collatorFor(collation);
  return (a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareValues(a[i], b[i], collator);
      if (c !== 0) return c * (fields[i]?.direction ?? 1);
    }
    return 0;
  };
}

/** How two documents compare under a sort specification (0: they tie). */
export function documentComparator(spec: unknown, collation?: unknown): (a: Document, b: Document) => number {
  const fields = parseSort(spec);
  const compare = keyComparator(fields, collation);
  const collator = collatorFor(collation);
  return (a, b) => compare(fields.map((f) => sortKey(a, f, collator)), fields.map((f) => sortKey(b, f, collator)));
}
