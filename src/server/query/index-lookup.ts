// Which records an equality filter can reach through an index: for a top-level
// `{field: v}`, `{field: {$eq: v}}` or `{field: {$in: [...]}}` the candidate set
// is every record whose index key equals one of the values. The caller still runs
// the whole filter over the candidates, so a superset is always safe; values
// whose query semantics are not plain equality (regex, arrays, null) scan instead.
import type { Document } from '../../bson.js';
import { bsonTypeOf, isPlainDocument } from './bson-types.js';
import { valueKey } from './compare.js';

const KEYED_TYPES = new Set(['int', 'long', 'double', 'decimal', 'string', 'objectId', 'date', 'bool', 'binData', 'timestamp']);

function isOperatorDocument(value: Document): boolean {
  for (const key of Object.keys(value)) if (key.startsWith('$')) return true;
  return false;
}

function keyable(value: unknown): boolean {
  if (KEYED_TYPES.has(bsonTypeOf(value))) return true;
  return isPlainDocument(value) && !('_bsontype' in value);
}

/** The valueKeys a filter's condition on `field` is an equality on, or undefined. */
export function equalityKeys(filter: Document | undefined, field: string): string[] | undefined {
  if (filter === undefined || !Object.hasOwn(filter, field)) return undefined;
  const condition: unknown = filter[field];
  if (isPlainDocument(condition) && isOperatorDocument(condition)) {
    if (Object.hasOwn(condition, '$eq')) return keyable(condition.$eq) ? [valueKey(condition.$eq)] : undefined;
    const list: unknown = condition.$in;
    if (Array.isArray(list) && list.every(keyable)) return list.map(valueKey);
    return undefined;
  }
  return keyable(condition) ? [valueKey(condition)] : undefined;
}

/** The top-level fields of a filter an index lookup might serve (_id first). */
export function lookupCandidates(filter: Document | undefined): string[] {
  if (filter === undefined) return [];
  const fields = Object.keys(filter).filter((k) => !k.startsWith('$'));
  return fields.includes('_id') ? ['_id', ...fields.filter((f) => f !== '_id')] : fields;
}
