// The find command (find_getmore_killcursors spec, CRUD spec "find" and "findOne").
import type { TimeoutMode } from '../csot.js';
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import type { ReadPreferenceLike } from '../concerns.js';
import { readCursorResponse, type CursorResponse } from './cursor-response.js';
import { BaseOperation, CURSOR_READ, READ, setIfDefined, type ExecutionContext, type OperationInheritance } from './operation.js';

export type CursorType = 'nonTailable' | 'tailable' | 'tailableAwait';

export interface FindOptions {
  sort?: Document;
  projection?: Document;
  hint?: Document | string;
  skip?: number;
  /** Negative: a single batch of |limit| documents. */
  limit?: number;
  batchSize?: number;
  comment?: unknown;
  maxTimeMS?: number;
  maxAwaitTimeMS?: number;
  /** CSOT: how timeoutMS applies to the cursor (see TimeoutMode). */
  timeoutMode?: TimeoutMode;
  collation?: Document;
  let?: Document;
  allowDiskUse?: boolean;
  allowPartialResults?: boolean;
  noCursorTimeout?: boolean;
  cursorType?: CursorType;
  max?: Document;
  min?: Document;
  returnKey?: boolean;
  showRecordId?: boolean;
  oplogReplay?: boolean;
  readPreference?: ReadPreferenceLike | string;
  session?: unknown;
}

export type FindOneOptions = Omit<FindOptions, 'batchSize' | 'cursorType' | 'limit' | 'noCursorTimeout' | 'maxAwaitTimeMS' | 'timeoutMode'>;

/** limit/batchSize/singleBatch as the find command wants them (negative limit → singleBatch). */
export function findLimits(limit: number | undefined, batchSize: number | undefined): { limit?: number; batchSize?: number; singleBatch?: true } {
  let l = limit ?? 0;
  let b = batchSize ?? 0;
  if (!Number.isInteger(l)) throw new MongoInvalidArgumentError(`find option 'limit' must be an integer, got ${String(limit)}`);
  if (!Number.isInteger(b)) throw new MongoInvalidArgumentError(`find option 'batchSize' must be an integer, got ${String(batchSize)}`);
  const singleBatch = l < 0 || b < 0;
  l = Math.abs(l);
  b = Math.abs(b);
  if (singleBatch) b = l === 0 ? b : l;
  // Equal limit and batchSize would leave an open cursor holding nothing (CRUD spec).
  else if (l !== 0 && b === l) b = l + 1;
  const out: { limit?: number; batchSize?: number; singleBatch?: true } = {};
  if (l !== 0) out.limit = l;
  if (b !== 0) out.batchSize = b;
  if (singleBatch) out.singleBatch = true;
  return out;
}

/** The option fields of a find body, in the order the server documents them. */
function appendFindOptions(body: Document, options: FindOptions | FindOneOptions): void {
  setIfDefined(body, 'sort', options.sort);
  setIfDefined(body, 'projection', options.projection);
  setIfDefined(body, 'hint', options.hint);
  if (options.skip !== undefined && options.skip !== 0) {
    if (!Number.isInteger(options.skip) || options.skip < 0) {
      throw new MongoInvalidArgumentError(`find option 'skip' must be a non-negative integer, got ${String(options.skip)}`);
    }
    body.skip = options.skip;
  }
  setIfDefined(body, 'comment', options.comment);
  setIfDefined(body, 'maxTimeMS', options.maxTimeMS);
  setIfDefined(body, 'collation', options.collation);
  setIfDefined(body, 'let', options.let);
  setIfDefined(body, 'allowDiskUse', options.allowDiskUse);
  setIfDefined(body, 'allowPartialResults', options.allowPartialResults);
  setIfDefined(body, 'max', options.max);
  setIfDefined(body, 'min', options.min);
  setIfDefined(body, 'returnKey', options.returnKey);
  setIfDefined(body, 'showRecordId', options.showRecordId);
  setIfDefined(body, 'oplogReplay', options.oplogReplay);
}

export class FindOperation extends BaseOperation<CursorResponse> {
  readonly commandName = 'find';

  constructor(
    dbName: string,
    readonly collectionName: string,
    readonly filter: Document,
    readonly options: FindOptions,
    inherited: OperationInheritance,
  ) {
    super(dbName, CURSOR_READ, inherited);
  }

  buildCommand(_context?: ExecutionContext): Document {
    const options = this.options;
    const body: Document = { find: this.collectionName, filter: this.filter };
    appendFindOptions(body, options);
    const limits = findLimits(options.limit, options.batchSize);
    setIfDefined(body, 'limit', limits.limit);
    setIfDefined(body, 'batchSize', limits.batchSize);
    setIfDefined(body, 'singleBatch', limits.singleBatch);
    if (options.noCursorTimeout === true) body.noCursorTimeout = true;
    if (options.cursorType === 'tailable' || options.cursorType === 'tailableAwait') body.tailable = true;
    if (options.cursorType === 'tailableAwait') body.awaitData = true;
    return body;
  }

  handleReply(reply: Document): CursorResponse {
    return readCursorResponse(reply, 'firstBatch');
  }
}

/** findOne: a find that never leaves a cursor open (limit 1, singleBatch). */
export class FindOneOperation extends BaseOperation<Document | null> {
  readonly commandName = 'find';

  constructor(
    dbName: string,
    readonly collectionName: string,
    readonly filter: Document,
    readonly options: FindOneOptions | undefined,
    inherited: OperationInheritance,
  ) {
    super(dbName, READ, inherited);
  }

  buildCommand(): Document {
    const body: Document = { find: this.collectionName, filter: this.filter };
    if (this.options !== undefined) appendFindOptions(body, this.options);
    body.limit = 1;
    body.singleBatch = true;
    return body;
  }

  handleReply(reply: Document): Document | null {
    const cursor = reply.cursor as { firstBatch?: unknown } | undefined;
    const batch = cursor?.firstBatch;
    if (!Array.isArray(batch)) return null;
    return (batch[0] as Document | undefined) ?? null;
  }
}
