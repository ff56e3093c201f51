// Untimed: how each driver's default find cursor fetches 10,000 documents (first batch,
// getMore count and the batchSize it asks for), observed through command monitoring on a
// separate client so the timed clients publish no events.
import type { Document } from '../src/bson.js';
import { DB, MANY } from './cases.js';
import { createClient, type CommandEventLike, type DriverName } from './drivers.js';

export interface BatchCensus {
  firstBatch: number;
  getMores: number;
  /** The batchSize field of the getMore commands ("none" when the driver sends none). */
  getMoreBatchSize: string;
  batchSizes: number[];
}

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length of cursor.firstBatch / cursor.nextBatch in a find or getMore reply, if visible. */
function batchLength(reply: unknown): number | undefined {
  if (!isDocument(reply) || !isDocument(reply.cursor)) return undefined;
  const batch: unknown = reply.cursor.firstBatch ?? reply.cursor.nextBatch;
  return Array.isArray(batch) ? batch.length : undefined;
}

export async function batchCensus(driver: DriverName, uri: string): Promise<BatchCensus> {
  const client = await createClient(driver, uri, true);
  const census: BatchCensus = { firstBatch: -1, getMores: 0, getMoreBatchSize: 'none', batchSizes: [] };
  client.onCommand('commandStarted', (e: CommandEventLike) => {
    if (e.commandName !== 'getMore') return;
    census.getMores++;
    const size: unknown = e.command?.batchSize;
    if (size !== undefined) census.getMoreBatchSize = String(size);
  });
  client.onCommand('commandSucceeded', (e: CommandEventLike) => {
    if (e.commandName !== 'find' && e.commandName !== 'getMore') return;
    const length = batchLength(e.reply);
    if (length === undefined) return;
    if (e.commandName === 'find') census.firstBatch = length;
    census.batchSizes.push(length);
  });
  try {
    let seen = 0;
    for await (const _doc of client.collection(DB, 'tweets').find({})) seen++;
    if (seen !== MANY) throw new Error(`census find yielded ${seen} documents, expected ${MANY}`);
  } finally {
    await client.close();
  }
  return census;
}
