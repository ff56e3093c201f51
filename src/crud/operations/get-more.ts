// getMore and killCursors: run on the cursor's own server (never through selection).
import type { Document, Long } from '../../bson.js';
import { readCursorResponse, type CursorResponse } from './cursor-response.js';
import { GET_MORE, KILL_CURSORS, type Operation } from './operation.js';

export interface GetMoreOptions {
  batchSize?: number;
  /** For tailable awaitData cursors: how long the server may wait for new documents. */
  maxAwaitTimeMS?: number;
  comment?: unknown;
}

export class GetMoreOperation implements Operation<CursorResponse> {
  readonly commandName = 'getMore';
  readonly capabilities = GET_MORE;

  constructor(
    readonly dbName: string,
    readonly collectionName: string,
    readonly cursorId: Long,
    readonly options: GetMoreOptions,
    readonly session?: unknown,
  ) {}

  buildCommand(): Document {
    const body: Document = { getMore: this.cursorId, collection: this.collectionName };
    const { batchSize, maxAwaitTimeMS, comment } = this.options;
    if (batchSize !== undefined && batchSize > 0) body.batchSize = batchSize;
    if (maxAwaitTimeMS !== undefined) body.maxTimeMS = maxAwaitTimeMS;
    if (comment !== undefined) body.comment = comment;
    return body;
  }

  handleReply(reply: Document): CursorResponse {
    return readCursorResponse(reply, 'nextBatch');
  }
}

export class KillCursorsOperation implements Operation<void> {
  readonly commandName = 'killCursors';
  readonly capabilities = KILL_CURSORS;

  constructor(
    readonly dbName: string,
    readonly collectionName: string,
    readonly cursorIds: readonly Long[],
    readonly session?: unknown,
  ) {}

  buildCommand(): Document {
    return { killCursors: this.collectionName, cursors: this.cursorIds };
  }

  handleReply(): void {}
}

/** Splits "db.collection.with.dots" into its database and collection names. */
export function splitNamespace(ns: string): { db: string; collection: string } {
  const dot = ns.indexOf('.');
  return dot < 0 ? { db: ns, collection: '' } : { db: ns.slice(0, dot), collection: ns.slice(dot + 1) };
}
