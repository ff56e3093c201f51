// What a change stream remembers to resume (change-streams spec, "Updating the Cached
// Resume Token" and "Resume Process"), kept apart from I/O so the rules read as written.
import { Timestamp, type Document } from '../bson.js';
import type { ChangeStreamOptions, ResumeToken } from './types.js';

/** The `$changeStream` stage fields taken from the options (the rest go to aggregate/getMore). */
const STAGE_FIELDS = ['fullDocument', 'fullDocumentBeforeChange', 'resumeAfter', 'startAfter', 'startAtOperationTime', 'showExpandedEvents'] as const;

export class ResumeState {
  private token: ResumeToken | undefined;
  /** From the options, or the initial aggregate's operationTime (see recordInitialReply). */
  private operationTime: Timestamp | undefined;
  private returnedAny = false;
  /** The latest batch's postBatchResumeToken, cached when its last event is handed out. */
  private batchToken: ResumeToken | undefined;

  constructor(
    private readonly options: ChangeStreamOptions,
    private readonly allChangesForCluster: boolean,
  ) {
    this.token = options.startAfter ?? options.resumeAfter;
    this.operationTime = options.startAtOperationTime;
  }

  /** The token that resuming now would use. */
  get resumeToken(): ResumeToken | undefined {
    return this.token;
  }

  /**
   * The first aggregate's reply: its operationTime is kept when the options named no start
   * point and the reply carried neither events nor a postBatchResumeToken.
   */
  recordInitialReply(reply: Document, batchLength: number, postBatchResumeToken: ResumeToken | undefined): void {
    const o = this.options;
    if (o.startAtOperationTime !== undefined || o.resumeAfter !== undefined || o.startAfter !== undefined) return;
    if (batchLength > 0 || postBatchResumeToken !== undefined) return;
    const time: unknown = reply.operationTime;
    if (time instanceof Timestamp) this.operationTime = time;
  }

  /** Every aggregate/getMore reply. */
  recordBatch(batchLength: number, postBatchResumeToken: ResumeToken | undefined): void {
    this.batchToken = postBatchResumeToken;
    if (batchLength === 0 && postBatchResumeToken !== undefined) this.token = postBatchResumeToken;
  }

  /** An event is handed out; `lastOfBatch`: nothing of its batch remains buffered. */
  recordReturned(id: ResumeToken, lastOfBatch: boolean): void {
    this.returnedAny = true;
    this.token = lastOfBatch && this.batchToken !== undefined ? this.batchToken : id;
  }

  /** The `$changeStream` stage for the next aggregate: the original one, or the resume's. */
  stage(): Document {
    const o = this.options;
    const stage: Document = {};
    if (this.allChangesForCluster) stage.allChangesForCluster = true;
    for (const field of STAGE_FIELDS) if (o[field] !== undefined) stage[field] = o[field];
    return stage;
  }

  resumeStage(): Document {
    const stage = this.stage();
    const token = this.token;
    if (token !== undefined) {
      delete stage.startAtOperationTime;
      if (this.options.startAfter !== undefined && !this.returnedAny) {
        delete stage.resumeAfter;
        stage.startAfter = token;
      } else {
        delete stage.startAfter;
        stage.resumeAfter = token;
      }
    } else if (this.operationTime !== undefined) {
      delete stage.resumeAfter;
      delete stage.startAfter;
      stage.startAtOperationTime = this.operationTime;
    }
    return stage;
  }
}
