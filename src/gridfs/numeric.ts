// GridFS files written by other tools store numbers as int32, int64 or double
// (gridfs spec: "drivers MUST be able to handle" any of them); this reads them as numbers.
import { Long } from '../bson.js';

export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  if (typeof value === 'object' && value !== null && typeof (value as { valueOf?: unknown }).valueOf === 'function') {
    const primitive = (value as { valueOf(): unknown }).valueOf();
    if (typeof primitive === 'number') return primitive;
  }
  return undefined;
}
