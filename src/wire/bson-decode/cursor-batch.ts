// A cursor reply ({ cursor: { id, ns, firstBatch | nextBatch, postBatchResumeToken? }, ok, … })
// decoded in one pass by the fast decoder, with the cursor's fields checked and lifted out.
import { Long, type Document } from '../../bson.js';
import { MongoWireProtocolError } from '../../errors.js';
import { decodeDocument } from './decoder.js';

export interface DecodedCursorBatch {
  /** cursor.id; 0n when the server closed the cursor. */
  readonly id: bigint;
  /** cursor.ns, when the server sent it. */
  readonly ns: string | undefined;
  readonly batchField: 'firstBatch' | 'nextBatch';
  /** The batch's documents, exactly as bson's deserialize would give them. */
  readonly batch: Document[];
  readonly postBatchResumeToken: Document | undefined;
  /** The whole reply (ok, operationTime, $clusterTime, the cursor with its batch …). */
  readonly reply: Document;
}

function cursorIdOf(value: unknown): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (value instanceof Long) return value.toBigInt();
  throw new MongoWireProtocolError(`cursor reply has an invalid cursor.id (${value instanceof Object ? value.constructor.name : typeof value})`);
}

/**
 * Decodes a cursor-bearing reply body. The body's few top-level fields are built as part of
 * the same pass as the batch documents, which are the cost that matters.
 */
export function decodeCursorBatch(bodyBytes: Uint8Array): DecodedCursorBatch {
  const reply = decodeDocument(bodyBytes);
  const cursor: unknown = reply.cursor;
  if (typeof cursor !== 'object' || cursor === null || Array.isArray(cursor)) {
    throw new MongoWireProtocolError("cursor reply has no 'cursor' document");
  }
  const fields = cursor as Document;
  const batchField = Array.isArray(fields.firstBatch) ? 'firstBatch' : Array.isArray(fields.nextBatch) ? 'nextBatch' : undefined;
  if (batchField === undefined) throw new MongoWireProtocolError("cursor reply has neither a 'firstBatch' nor a 'nextBatch' array");
  const token: unknown = fields.postBatchResumeToken;
  return {
    id: cursorIdOf(fields.id ?? 0),
    ns: typeof fields.ns === 'string' ? fields.ns : undefined,
    batchField,
    batch: fields[batchField] as Document[],
    postBatchResumeToken: typeof token === 'object' && token !== null && !Array.isArray(token) ? (token as Document) : undefined,
    reply,
  };
}
