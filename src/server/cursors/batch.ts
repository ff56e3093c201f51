// Cuts one batch off a cursor's remaining documents. A real server caps a reply
// batch at 16 MiB of documents regardless of batchSize, so we do the same: the
// reply must stay under maxBsonObjectSize plus the command reply overhead.
import { calculateObjectSize, type Document } from '../../bson.js';

export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** Removes and returns the next batch from `remaining` (starting at `position`). */
export function takeBatch(remaining: Document[], position: number, batchSize: number | undefined): Document[] {
  const limit = batchSize === undefined || batchSize <= 0 ? remaining.length - position : batchSize;
  const end = Math.min(remaining.length, position + limit);
  let bytes = 0;
  let index = position;
  for (; index < end; index++) {
    bytes += calculateObjectSize(remaining[index]);
    // Always return at least one document, or a cursor could never advance.
    if (bytes > MAX_BATCH_BYTES && index > position) break;
  }
  return remaining.slice(position, index);
}
