// The result of Client.bulkWrite (bulk-write spec BulkWriteResult), assembled from
// each batch's summary counts and its results-cursor entries; entries name ops by
// their position in the batch, which maps back to the caller's model index.
import type { Document } from '../../bson.js';
import type { ClientBulkWriteConcernErrorDetail, ClientBulkWriteErrorDetail } from '../../errors.js';
import type { ClientBatch } from './client-bulk-batches.js';

export interface ClientInsertOneResult {
  insertedId: unknown;
}

export interface ClientUpdateResult {
  matchedCount: number;
  modifiedCount: number;
  /** Present only when the update upserted (a null _id is a value, not absence). */
  upsertedId?: unknown;
}

export interface ClientDeleteResult {
  deletedCount: number;
}

/**
 * Counts are 0 when `acknowledged` is false (w: 0: the server reports nothing).
 * The maps are present exactly when `hasVerboseResults` is true (verboseResults: true).
 */
export interface ClientBulkWriteResult {
  acknowledged: boolean;
  hasVerboseResults: boolean;
  insertedCount: number;
  upsertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  insertResults?: Map<number, ClientInsertOneResult>;
  updateResults?: Map<number, ClientUpdateResult>;
  deleteResults?: Map<number, ClientDeleteResult>;
}

function count(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function') {
    const n: unknown = value.toNumber();
    return typeof n === 'number' ? n : 0;
  }
  return 0;
}

function detail(source: Document): { code: number; codeName?: string; message: string; errInfo?: Document; details: Document } {
  const errInfo = source.errInfo;
  return {
    code: count(source.code),
    ...(typeof source.codeName === 'string' ? { codeName: source.codeName } : {}),
    message: typeof source.errmsg === 'string' ? source.errmsg : 'write failed',
    ...(typeof errInfo === 'object' && errInfo !== null && !Array.isArray(errInfo) ? { errInfo: errInfo as Document } : {}),
    details: source,
  };
}

/** Accumulates results and errors across batches and cursor batches. */
export class ClientBulkWriteAccumulator {
  readonly result: ClientBulkWriteResult;
  readonly writeErrors = new Map<number, ClientBulkWriteErrorDetail>();
  readonly writeConcernErrors: ClientBulkWriteConcernErrorDetail[] = [];
  /** Whether any write is known to have succeeded (decides partialResult). */
  anySucceeded = false;

  constructor(verbose: boolean) {
    this.result = {
      acknowledged: true,
      hasVerboseResults: verbose,
      insertedCount: 0,
      upsertedCount: 0,
      matchedCount: 0,
      modifiedCount: 0,
      deletedCount: 0,
      ...(verbose ? { insertResults: new Map(), updateResults: new Map(), deleteResults: new Map() } : {}),
    };
  }

  private batchReply: Document = {};
  private batchFirstErrorIdx: number | undefined;

  /** A batch's reply: its summary counts and write concern error. */
  beginBatch(reply: Document): void {
    this.batchReply = reply;
    this.batchFirstErrorIdx = undefined;
    const r = this.result;
    r.insertedCount += count(reply.nInserted);
    r.upsertedCount += count(reply.nUpserted);
    r.matchedCount += count(reply.nMatched);
    r.modifiedCount += count(reply.nModified);
    r.deletedCount += count(reply.nDeleted);
    const wce = reply.writeConcernError;
    if (typeof wce === 'object' && wce !== null && !Array.isArray(wce)) this.writeConcernErrors.push(detail(wce as Document));
  }

  /**
   * Per spec: an ordered batch succeeded somewhere if it had no errors or its error was
   * not at idx 0; an unordered one if it had fewer errors than ops. Called once the
   * batch's cursor is read (the ordered rule needs the error's idx).
   */
  endBatch(batch: ClientBatch, ordered: boolean): void {
    const nErrors = count(this.batchReply.nErrors);
    const firstErrorIdx = this.batchFirstErrorIdx;
    const succeeded = ordered ? nErrors === 0 || (firstErrorIdx !== undefined && firstErrorIdx > 0) : nErrors < batch.ops.length;
    if (succeeded) this.anySucceeded = true;
  }

  /** One results-cursor entry (its idx is the op's position in `batch`). */
  addEntry(entry: Document, batch: ClientBatch): void {
    const idx = count(entry.idx);
    const op = batch.ops[idx];
    if (op === undefined) return;
    if (count(entry.ok) !== 1) {
      this.writeErrors.set(op.index, detail(entry));
      this.batchFirstErrorIdx ??= idx;
      return;
    }
    const r = this.result;
    switch (op.kind) {
      case 'insert':
        r.insertResults?.set(op.index, { insertedId: op.insertedId });
        break;
      case 'update': {
        const upserted = entry.upserted;
        const didUpsert = typeof upserted === 'object' && upserted !== null && '_id' in upserted;
        r.updateResults?.set(op.index, {
          // As the spec tests expect: the entry's n, which counts an upserted document too.
          matchedCount: count(entry.n),
          modifiedCount: count(entry.nModified),
          ...(didUpsert ? { upsertedId: (upserted as Document)._id } : {}),
        });
        break;
      }
      case 'delete':
        r.deleteResults?.set(op.index, { deletedCount: count(entry.n) });
        break;
    }
  }
}

/** The result of a w: 0 bulk write: nothing is known. */
export function unacknowledgedResult(): ClientBulkWriteResult {
  return { acknowledged: false, hasVerboseResults: false, insertedCount: 0, upsertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0 };
}
