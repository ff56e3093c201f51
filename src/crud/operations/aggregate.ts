// The aggregate command (collection-level, or database-level with `aggregate: 1`).
import type { TimeoutMode } from '../csot.js';
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import type { ReadPreferenceLike } from '../concerns.js';
import { readCursorResponse, type CursorResponse } from './cursor-response.js';
import { BaseOperation, CURSOR_READ, CURSOR_WRITE, setIfDefined, type OperationInheritance } from './operation.js';

export interface AggregateOptions {
  allowDiskUse?: boolean;
  batchSize?: number;
  bypassDocumentValidation?: boolean;
  collation?: Document;
  comment?: unknown;
  hint?: Document | string;
  let?: Document;
  maxTimeMS?: number;
  maxAwaitTimeMS?: number;
  /** CSOT: how timeoutMS applies to the cursor (see TimeoutMode); never 'iteration' with $out/$merge. */
  timeoutMode?: TimeoutMode;
  readPreference?: ReadPreferenceLike | string;
  session?: unknown;
}

/** True when the last stage writes ($out or $merge). */
export function pipelineWrites(pipeline: readonly Document[]): boolean {
  const last = pipeline[pipeline.length - 1];
  return last !== undefined && ('$out' in last || '$merge' in last);
}

export class AggregateOperation extends BaseOperation<CursorResponse> {
  readonly commandName = 'aggregate';
  private readonly writes: boolean;

  /** `collectionName` undefined: a database-level aggregate (`aggregate: 1`). */
  constructor(
    dbName: string,
    readonly collectionName: string | undefined,
    readonly pipeline: Document[],
    readonly options: AggregateOptions,
    inherited: OperationInheritance,
  ) {
    if (!Array.isArray(pipeline)) throw new MongoInvalidArgumentError('aggregate pipeline must be an array of stages');
    const writes = pipelineWrites(pipeline);
    if (writes && options.timeoutMode === 'iteration') {
      throw new MongoInvalidArgumentError('timeoutMode "iteration" cannot be used with an aggregate that has a $out or $merge stage');
    }
    super(dbName, writes ? CURSOR_WRITE : CURSOR_READ, inherited);
    this.writes = writes;
  }

  buildCommand(): Document {
    const o = this.options;
    const body: Document = { aggregate: this.collectionName ?? 1, pipeline: this.pipeline };
    // batchSize 0 with $out/$merge would stop the pipeline from running (CRUD spec).
    body.cursor = o.batchSize !== undefined && !(this.writes && o.batchSize === 0) ? { batchSize: o.batchSize } : {};
    setIfDefined(body, 'allowDiskUse', o.allowDiskUse);
    setIfDefined(body, 'bypassDocumentValidation', o.bypassDocumentValidation);
    setIfDefined(body, 'collation', o.collation);
    setIfDefined(body, 'comment', o.comment);
    setIfDefined(body, 'hint', o.hint);
    setIfDefined(body, 'let', o.let);
    setIfDefined(body, 'maxTimeMS', o.maxTimeMS);
    return body;
  }

  handleReply(reply: Document): CursorResponse {
    return readCursorResponse(reply, 'firstBatch');
  }
}
