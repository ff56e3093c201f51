// Finding a stored document by _id: through the _id index when the collection
// has one, else by scanning (timeseries collections have no _id index).
import { valueKey, valuesEqual } from '../query/compare.js';
import type { CollectionStore } from '../storage/collection.js';

/** The record id of the document whose _id equals `id`, if stored. */
export function recordIdOf(collection: CollectionStore, id: unknown): number | undefined {
  const candidates = collection.lookup('_id', [valueKey(id)]);
  const entries = candidates === undefined ? collection.entries() : collection.entriesOf(candidates);
  for (const [recordId, doc] of entries) if (valuesEqual(doc._id, id)) return recordId;
  return undefined;
}

/** The key a document is locked under by the transactions that write it. */
export function documentKey(ns: string, id: unknown): string {
  return `${ns}\u0000${valueKey(id)}`;
}
