// One open change stream: reads the change log from its position, turns the
// entries its scope sees into events, runs the user's stages over them and
// hands out batches. After an invalidating entry (drop/rename of the watched
// collection, dropDatabase of the watched database) it returns that event,
// then an invalidate event, and closes. Every batch reports a
// postBatchResumeToken: the last returned event's token, or a high-water mark
// at the position the stream has read up to.
import { calculateObjectSize, type Document, type Timestamp } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { runPipeline, type AggregateEnv } from '../query/aggregate.js';
import { valuesEqual } from '../query/compare.js';
import type { CursorStream } from '../types.js';
import { MAX_BATCH_BYTES } from '../cursors/batch.js';
import type { ChangeEntry } from './change-entry.js';
import type { ChangeLog } from './change-log.js';
import { eventDocument, invalidateDocument } from './event-document.js';
import { labelResumableError } from './resumable-errors.js';
import { encodeResumeToken } from './resume-token.js';
import { checkEventSize, MAX_CHANGE_EVENT_BYTES, splitEvent } from './split-large-event.js';
import { invalidates, sees, type StreamScope } from './stream-scope.js';
import type { ChangeStreamSpec } from './stream-spec.js';

/** Where a new stream starts reading. */
export interface StreamStart {
  /** The first log position to read. */
  readonly position: number;
  /** Entries before this time are skipped (startAtOperationTime). */
  readonly notBefore?: Timestamp;
  /** Resumed right after an invalidating entry: the invalidate comes first. */
  readonly pendingInvalidate?: ChangeEntry;
  /** Resumed from a split event's fragment: the event at `position` is split again and this many fragments skipped. */
  readonly skipFragments?: number;
}

function notSplitOnResume(): CommandError {
  return new CommandError(ErrorCodes.ChangeStreamFatalError, 'Attempted to resume from a split event fragment, but the event in the resumed stream was not large enough to be split', { errorLabels: ['NonResumableChangeStreamError'] });
}

function modifiedIdError(): CommandError {
  return new CommandError(
    ErrorCodes.ChangeStreamFatalError,
    'Encountered an event whose _id field, which contains the resume token, was modified by the pipeline. Modifying the _id field of an event makes it impossible to resume the stream from that point. Only transformations that retain the unmodified _id field are allowed.',
    { errorLabels: ['NonResumableChangeStreamError'] },
  );
}

/** One step of reading: the event to return (absent when filtered out), its resume token, and how to undo the step. */
interface ReadStep {
  readonly output?: Document;
  readonly token?: Document;
  rewind(): void;
}

export class ChangeStreamCursor implements CursorStream {
  private position: number;
  private readonly notBefore: Timestamp | undefined;
  private pendingInvalidate: ChangeEntry | undefined;
  private lastToken: Document | undefined;
  private closed = false;
  private skipFragments: number | undefined;
  /** Fragments of a split event still to return. */
  private fragments: Document[] = [];

  constructor(
    private readonly log: ChangeLog,
    private readonly scope: StreamScope,
    private readonly spec: ChangeStreamSpec,
    private readonly stages: Document[],
    private readonly env: AggregateEnv,
    start: StreamStart,
    /** The pipeline ended with $changeStreamSplitLargeEvent. */
    private readonly split = false,
  ) {
    this.position = start.position;
    this.notBefore = start.notBefore;
    this.pendingInvalidate = start.pendingInvalidate;
    this.skipFragments = start.skipFragments;
  }

  next(batchSize: number | undefined): { batch: Document[]; closed: boolean } {
    const limit = batchSize === undefined || batchSize <= 0 ? Number.POSITIVE_INFINITY : batchSize;
    const batch: Document[] = [];
    let bytes = 0;
    this.lastToken = undefined;
    while (batch.length < limit && !this.closed) {
      const produced = this.produceNext();
      if (produced === undefined) break;
      const { output, token } = produced;
      if (output === undefined || token === undefined) continue;
      bytes += calculateObjectSize(output);
      // A reply holds at most 16 MiB of events; the one that does not fit waits for the next batch.
      if (bytes > MAX_BATCH_BYTES && batch.length > 0) {
        produced.rewind();
        break;
      }
      batch.push(output);
      this.lastToken = token;
    }
    return { batch, closed: this.closed };
  }

  cursorFields(): Document {
    return { postBatchResumeToken: this.lastToken ?? this.highWaterMark() };
  }

  waitForMore(ms: number): Promise<void> {
    return this.log.waitForAppend(ms);
  }

  labelError(error: unknown): unknown {
    return labelResumableError(error);
  }

  private highWaterMark(): Document {
    if (this.position >= this.log.endPosition) return encodeResumeToken(this.log.highWaterMark());
    // Between the entry before `position` and the one at it: the earlier entry's time sorts it right.
    const clusterTime = this.log.entryAt(this.position - 1)?.clusterTime ?? this.log.highWaterMark().clusterTime;
    return encodeResumeToken({ clusterTime, position: this.position, kind: 'highWaterMark' });
  }

  /**
   * Reads one step: an entry (shown or not) or a pending invalidate. Undefined at
   * the end of the log. `output` is the event after the user's stages, if it passed.
   */
  private produceNext(): ReadStep | undefined {
    const fragment = this.fragments.shift();
    if (fragment !== undefined) {
      return { output: fragment, token: fragment._id as Document, rewind: () => this.fragments.unshift(fragment) };
    }
    const invalidated = this.pendingInvalidate;
    if (invalidated !== undefined) {
      this.pendingInvalidate = undefined;
      this.closed = true;
      const event = invalidateDocument(invalidated);
      return {
        output: this.applyStages(event),
        token: event._id as Document,
        rewind: () => {
          this.pendingInvalidate = invalidated;
          this.closed = false;
        },
      };
    }
    if (this.position < this.log.startPosition) {
      throw new CommandError(ErrorCodes.ChangeStreamHistoryLost, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.', { errorLabels: ['NonResumableChangeStreamError'] });
    }
    const entry = this.log.entryAt(this.position);
    if (entry === undefined) return undefined;
    const at = this.position;
    this.position++;
    const rewind = (): void => {
      this.position = at;
      this.pendingInvalidate = undefined;
    };
    if ((this.notBefore !== undefined && entry.clusterTime.lessThan(this.notBefore)) || !sees(this.scope, this.spec, entry)) {
      return { rewind };
    }
    if (invalidates(this.scope, entry)) this.pendingInvalidate = entry;
    const event = eventDocument(entry, this.spec, this.env.storage);
    const output = this.applyStages(event);
    if (output === undefined) return { rewind };
    return this.sized(output, rewind);
  }

  /** `output` as returned: whole, or (split stage, over 16 MiB) its first fragment with the rest queued. */
  private sized(output: Document, rewind: () => void): ReadStep {
    const size = calculateObjectSize(output);
    const skip = this.skipFragments;
    this.skipFragments = undefined;
    if (!this.split || size <= MAX_CHANGE_EVENT_BYTES) {
      if (skip !== undefined) throw notSplitOnResume();
      checkEventSize(output, size);
      return { output, token: output._id as Document, rewind };
    }
    const [first, ...rest] = splitEvent(output, skip ?? 0);
    if (first === undefined) throw notSplitOnResume();
    this.fragments = rest;
    return {
      output: first,
      token: first._id as Document,
      rewind: () => {
        this.fragments = [];
        this.skipFragments = skip;
        rewind();
      },
    };
  }

  /** The user's stages over one event: undefined when filtered out; 280 when they changed _id. */
  private applyStages(event: Document): Document | undefined {
    if (this.stages.length === 0) return event;
    const token = event._id;
    const [output] = runPipeline([event], this.stages, this.env);
    if (output === undefined) return undefined;
    if (!valuesEqual(output._id, token)) throw modifiedIdError();
    return output;
  }
}
