// Reads a cursor reply: { cursor: { id, ns, firstBatch | nextBatch, postBatchResumeToken? } }.
import { Long } from '../../bson.js';
import type { Document } from '../../bson.js';
import { MongoRuntimeError } from '../../errors.js';

export interface CursorResponse {
  /** 0n when the server closed the cursor. */
  readonly id: Long;
  /** "db.collection" the cursor iterates (may differ from the command's, e.g. views). */
  readonly ns: string;
  readonly batch: Document[];
  readonly postBatchResumeToken?: Document;
  /** The whole reply (atClusterTime, operationTime …) for callers that want it. */
  readonly reply: Document;
}

export const ZERO_CURSOR_ID = Long.ZERO;

export function toCursorId(value: unknown): Long {
  if (value instanceof Long) return value;
  if (typeof value === 'number') return value === 0 ? ZERO_CURSOR_ID : Long.fromNumber(value);
  if (typeof value === 'bigint') return Long.fromBigInt(value);
  throw new MongoRuntimeError(`cursor reply has an invalid cursor id (${typeof value})`);
}

export function isZeroCursorId(id: Long): boolean {
  return id.isZero();
}

export function readCursorResponse(reply: Document, batchField: 'firstBatch' | 'nextBatch'): CursorResponse {
  const cursor: unknown = reply.cursor;
  if (typeof cursor !== 'object' || cursor === null) throw new MongoRuntimeError(`cursor reply has no 'cursor' document`);
  const c = cursor as Document;
  const batch: unknown = c[batchField];
  if (!Array.isArray(batch)) throw new MongoRuntimeError(`cursor reply has no '${batchField}' array`);
  const ns = typeof c.ns === 'string' ? c.ns : '';
  const token = c.postBatchResumeToken;
  return {
    id: toCursorId(c.id ?? 0),
    ns,
    batch: batch as Document[],
    postBatchResumeToken: typeof token === 'object' && token !== null ? (token as Document) : undefined,
    reply,
  };
}
