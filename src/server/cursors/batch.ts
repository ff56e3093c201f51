// Cuts one batch off a cursor's remaining documents. A real server caps a reply
// batch at 16 MiB of documents regardless of batchSize, so we do the same: the
// reply must stay under maxBsonObjectSize plus the command reply overhead.
// Without a batchSize, find's and aggregate's first batch holds at most 101
// documents (mongod's default); getMore without one fills up to 16 MiB.
import { calculateObjectSize } from '../../bson.js';
import { RawDocument, type CursorDocument } from '../storage/raw-document.js';

export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** mongod's first-batch size for find and aggregate when the command gives none. */
export const DEFAULT_FIRST_BATCH_SIZE = 101;

function sizeOf(doc: CursorDocument): number {
  return doc instanceof RawDocument ? doc.size : calculateObjectSize(doc);
}

/** Removes and returns the next batch from `remaining` (starting at `position`). */
export function takeBatch<T extends CursorDocument>(remaining: T[], position: number, batchSize: number | undefined): T[] {
  const limit = batchSize === undefined || batchSize <= 0 ? remaining.length - position : batchSize;
  const end = Math.min(remaining.length, position + limit);
  let bytes = 0;
  let index = position;
  for (; index < end; index++) {
    bytes += sizeOf(remaining[index] as T);
    // Always return at least one document, or a cursor could never advance.
    if (bytes > MAX_BATCH_BYTES && index > position) break;
  }
  return remaining.slice(position, index);
}
