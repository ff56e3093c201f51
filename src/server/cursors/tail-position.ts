// Where a tailable cursor stands: the record id of the last document it returned.
// Capped collections only append (and drop their oldest records), so "newer than
// the last record returned" is exactly the documents a tailing client has not seen.
import { Long, type Document } from '../../bson.js';
import type { TailableSource } from '../types.js';

export class TailPosition {
  private lastRecordId = Number.NEGATIVE_INFINITY;

  constructor(readonly source: TailableSource) {}

  get awaitData(): boolean {
    return this.source.awaitData;
  }

  /** The query's documents newer than the last one delivered (each carrying $recordId). */
  fresh(): Document[] {
    // Without record ids (returnKey drops them) positions in the result stand in for them.
    const all = this.source.requery().map((doc, index) => (recordIdOf(doc) === undefined ? { ...doc, $recordId: index + 1 } : doc));
    return all.filter((doc) => (recordIdOf(doc) ?? 0) > this.lastRecordId);
  }

  /** Advances past `documents` and shapes them for the reply. */
  deliver(documents: Document[]): Document[] {
    const last = documents.at(-1);
    if (last !== undefined) this.lastRecordId = recordIdOf(last) ?? this.lastRecordId;
    if (this.source.showRecordId) return documents;
    return documents.map(({ $recordId: _dropped, ...rest }) => rest);
  }
}

function recordIdOf(doc: Document): number | undefined {
  const value = doc.$recordId;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  return undefined;
}
