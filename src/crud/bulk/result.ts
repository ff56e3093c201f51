// The result of a bulk write (CRUD spec BulkWriteResult), merged batch by batch.
import type { Document } from '../../bson.js';
import type { Batch } from './batches.js';

export interface BulkWriteResult {
  acknowledged: boolean;
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  /** Operation index → _id of the upserted document. */
  upsertedIds: Record<number, unknown>;
  /** Operation index → _id of each inserted document. */
  insertedIds: Record<number, unknown>;
}

export interface InsertManyResult {
  acknowledged: boolean;
  insertedCount: number;
  insertedIds: Record<number, unknown>;
}

export function emptyResult(acknowledged: boolean): BulkWriteResult {
  return { acknowledged, insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0, upsertedIds: {}, insertedIds: {} };
}

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);

/**
 * Adds one batch's reply to `result`; returns its write errors with indexes mapped
 * to the caller's operation indexes. `allIds` holds every insert's _id by index.
 */
export function mergeBatchReply(result: BulkWriteResult, batch: Batch, reply: Document, allIds: Record<number, unknown>, ordered: boolean): Document[] {
  const statements = batch.statements;
  const writeErrors: Document[] = [];
  const failedPositions = new Set<number>();
  if (Array.isArray(reply.writeErrors)) {
    for (const error of reply.writeErrors as Document[]) {
      const position = num(error.index);
      failedPositions.add(position);
      writeErrors.push({ ...error, index: statements[position]?.index ?? position });
    }
  }
  const n = num(reply.n);
  switch (batch.kind) {
    case 'insert': {
      result.insertedCount += n;
      // Ordered batches stop at the first error: later statements never ran.
      const stopAt = ordered && failedPositions.size > 0 ? Math.min(...failedPositions) : statements.length;
      for (let i = 0; i < stopAt; i++) {
        if (!failedPositions.has(i)) result.insertedIds[statements[i].index] = allIds[statements[i].index];
      }
      break;
    }
    case 'update': {
      const upserted = Array.isArray(reply.upserted) ? (reply.upserted as Document[]) : [];
      result.matchedCount += n - upserted.length;
      result.modifiedCount += num(reply.nModified);
      result.upsertedCount += upserted.length;
      for (const u of upserted) result.upsertedIds[statements[num(u.index)]?.index ?? num(u.index)] = u._id;
      break;
    }
    case 'delete':
      result.deletedCount += n;
      break;
  }
  return writeErrors;
}
