// The two GridFS indexes, created before a bucket's first write only when its files
// collection is empty, and only when an equivalent index is not already there (so an
// application with read-only rights on indexes still works).
import type { TimeoutContext } from '../connection/timeout-context.js';
import type { Document } from '../bson.js';
import type { Collection } from '../crud/collection.js';
import { PRIMARY } from '../crud/concerns.js';
import { asNumber } from './numeric.js';

const FILES_INDEX: Document = { filename: 1, uploadDate: 1 };
const CHUNKS_INDEX: Document = { files_id: 1, n: 1 };
const NAMESPACE_NOT_FOUND = 26;

/** Same fields in the same order with numerically equal directions (1, 1.0 and Long 1 all match). */
export function sameIndexKey(actual: unknown, wanted: Document): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  const actualEntries = Object.entries(actual as Document);
  const wantedEntries = Object.entries(wanted);
  if (actualEntries.length !== wantedEntries.length) return false;
  return wantedEntries.every(([field, direction], i) => {
    const [actualField, actualDirection] = actualEntries[i];
    if (actualField !== field) return false;
    const a = asNumber(actualDirection);
    const w = asNumber(direction);
    return a !== undefined && w !== undefined ? a === w : actualDirection === direction;
  });
}

async function existingKeys(collection: Collection, deadline: Deadline): Promise<unknown[]> {
  try {
    const indexes = await collection.listIndexes(deadline).toArray();
    return indexes.map((index) => index.key);
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === NAMESPACE_NOT_FOUND) return [];
    throw error;
  }
}

async function ensureIndex(collection: Collection, key: Document, options: Document, deadline: Deadline): Promise<void> {
  const keys = await existingKeys(collection, deadline);
  if (keys.some((existing) => sameIndexKey(existing, key))) return;
  await collection.createIndex(key, { ...options, ...deadline });
}

/** CSOT: the deadline of the GridFS operation that needs the indexes (empty without timeoutMS). */
type Deadline = { timeoutContext?: TimeoutContext };

/** The gridfs spec's "before write operations" step. */
export async function ensureGridFSIndexes(files: Collection, chunks: Collection, deadline: Deadline = {}): Promise<void> {
  const any = await files.findOne({}, { projection: { _id: 1 }, readPreference: PRIMARY, ...deadline });
  if (any !== null) return;
  await ensureIndex(files, FILES_INDEX, {}, deadline);
  await ensureIndex(chunks, CHUNKS_INDEX, { unique: true }, deadline);
}
