// ChangeStream: a tailable aggregate cursor with a `$changeStream` first stage that caches
// resume tokens and, on a resumable getMore error, kills its cursor and opens a new one
// where the old one stopped (change-streams spec). It holds one session for its whole life:
// the application's, or the implicit session of its first aggregate.
import type { Document } from '../bson.js';
import type { CursorOptions } from '../crud/cursors/abstract-cursor.js';
import type { Executor } from '../crud/executor.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { contextFor } from '../crud/csot.js';
import { forOperation, type Resolved } from '../crud/inheritance.js';
import { AggregateOperation } from '../crud/operations/aggregate.js';
import type { CursorResponse } from '../crud/operations/cursor-response.js';
import type { ServerHandle } from '../crud/target.js';
import { MongoChangeStreamError, MongoCursorExhaustedError, MongoOperationTimeoutError } from '../errors.js';
import { ChangeStreamCursor, type CursorReplyListener } from './change-stream-cursor.js';
import { isResumableChangeStreamError } from './resumable.js';
import { ResumeState } from './resume-state.js';
import type { ChangeStreamDocument, ChangeStreamOptions, ResumeToken } from './types.js';

/** What a stream watches: one collection, one database (`aggregate: 1`), or the whole cluster (on admin). */
export type WatchScope =
  | { readonly kind: 'cluster' }
  | { readonly kind: 'database'; readonly db: string }
  | { readonly kind: 'collection'; readonly db: string; readonly collection: string };

/** An event taken from the cursor but not yet handed out (hasNext() looked ahead). */
interface Pending {
  readonly event: Document;
  readonly id: ResumeToken;
  readonly lastOfBatch: boolean;
}

/** Server 4.4: the first to accept a comment on getMore. */
const WIRE_VERSION_4_4 = 9;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export const MISSING_RESUME_TOKEN_MESSAGE = 'Cannot provide resume functionality when the resume token is missing';

export class ChangeStream<TSchema extends Document = Document, TChange = ChangeStreamDocument<TSchema>>
  implements AsyncIterable<TChange>, AsyncDisposable, CursorReplyListener
{
  private readonly state: ResumeState;
  private readonly pipeline: Document[];
  private cursor: ChangeStreamCursor | undefined;
  private opening: Promise<void> | undefined;
  private pending: Pending | undefined;
  /** The application's session, or the implicit one taken from the first aggregate (ownsSession). */
  private session: unknown;
  private ownsSession = false;
  /** Of the server the current cursor runs on, as known when it was opened. */
  private maxWireVersion = 0;
  private aggregates = 0;
  private isClosed = false;
  private ended = false;
  /** CSOT: the cursor whose getMore timed out; the next call resumes instead of using it. */
  private timedOut: ChangeStreamCursor | undefined;
  /** CSOT: the stream's timeoutMS (its own, else inherited), applied afresh to each call. */
  private readonly timeoutMS: number | undefined;
  /** CSOT: the deadline of the current next()/tryNext()/hasNext(), shared by its getMore and resume. */
  private callTimeout: TimeoutContext | undefined;

  /** @internal Use client.watch(), db.watch() or collection.watch(). */
  constructor(
    private readonly executor: Executor,
    private readonly scope: WatchScope,
    private readonly level: Resolved,
    pipeline: readonly Document[],
    private readonly options: ChangeStreamOptions,
  ) {
    this.pipeline = [...pipeline];
    this.session = options.session;
    this.state = new ResumeState(options, scope.kind === 'cluster');
    this.timeoutMS = options.timeoutMS ?? level.timeoutMS;
  }

  /**
   * The token that resuming now would use: the latest postBatchResumeToken or event `_id`
   * (spec: "Updating the Cached Resume Token"). Store it after each next()/tryNext(),
   * including a tryNext() that returned null, to resume later with `resumeAfter` without
   * missing or repeating events.
   */
  get resumeToken(): ResumeToken | undefined {
    return this.state.resumeToken;
  }

  /** True after close(), a non-resumable error, or the server ending the stream (invalidate). */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Runs the opening aggregate now (else the first next()/tryNext()/hasNext() does): changes
   * made after this resolves are seen by the stream.
   */
  async open(): Promise<this> {
    this.assertOpen();
    this.opening ??= this.openCursor(this.state.stage()).catch(async (error: unknown) => {
      await this.close();
      throw error;
    });
    await this.opening;
    return this;
  }

  /** The next event, waiting for one; null once the server has ended the stream. */
  async next(): Promise<TChange | null> {
    return this.inCall(async () => {
      for (;;) {
        const event = await this.tryNext();
        if (event !== null || this.ended) return event;
      }
    });
  }

  /**
   * The next event if one arrives in this round trip (a getMore waits at most
   * maxAwaitTimeMS), else null. The resume token still advances on empty batches.
   */
  async tryNext(): Promise<TChange | null> {
    return this.inCall(() => this.tryNextInCall());
  }

  private async tryNextInCall(): Promise<TChange | null> {
    const pending = this.pending ?? (await this.fetch());
    this.pending = undefined;
    if (pending === undefined) return null;
    const change = this.handOut(pending);
    // The server's last event (invalidate): release the session now, not on the next call.
    if (this.cursor?.closed === true) await this.end();
    return change;
  }

  /** Waits until an event is available (true) or the stream has ended (false). */
  async hasNext(): Promise<boolean> {
    return this.inCall(async () => {
      while (this.pending === undefined) {
        if (this.ended) return false;
        this.pending = await this.fetch();
      }
      return true;
    });
  }

  /** Under timeoutMS each public call gets one fresh deadline for all it sends (getMore, resume). */
  private async inCall<T>(call: () => Promise<T>): Promise<T> {
    if (this.timeoutMS === undefined || this.callTimeout !== undefined) return call();
    this.callTimeout = contextFor(this.timeoutMS);
    try {
      return await call();
    } finally {
      this.callTimeout = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.pending = undefined;
    const cursor = this.cursor;
    this.cursor = undefined;
    if (cursor !== undefined) await cursor.close();
    this.releaseSession();
  }

  [Symbol.asyncIterator](): AsyncIterator<TChange, undefined> {
    return {
      next: async () => {
        const event = await this.next();
        return event === null ? DONE : { done: false, value: event };
      },
      return: async () => {
        await this.close();
        return DONE;
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Every reply of the current cursor (ChangeStreamCursor calls it). */
  onReply(response: CursorResponse, server: ServerHandle, opening: boolean, cursor: ChangeStreamCursor): void {
    if (cursor !== this.cursor) return;
    if (opening) {
      this.maxWireVersion = server.description.maxWireVersion;
      if (this.maxWireVersion < WIRE_VERSION_4_4) cursor.omitGetMoreComment();
      if (this.session === undefined) {
        this.session = cursor.takeImplicitSession();
        this.ownsSession = this.session !== undefined;
      }
      if (this.aggregates === 1) this.state.recordInitialReply(response.reply, response.batch.length, response.postBatchResumeToken);
    }
    this.state.recordBatch(response.batch.length, response.postBatchResumeToken);
  }

  /** One round trip at most (plus a resume): the next event, or undefined. */
  private async fetch(): Promise<Pending | undefined> {
    for (;;) {
      if (this.ended) return undefined;
      await this.open();
      const stale = this.timedOut;
      this.timedOut = undefined;
      if (stale !== undefined && stale === this.cursor) await this.resume(stale);
      const cursor = this.cursor;
      if (cursor === undefined) throw new MongoCursorExhaustedError('change stream is closed');
      let event: Document | null;
      try {
        cursor.shareCallTimeout(this.callTimeout);
        event = await cursor.tryNext();
      } catch (error) {
        if (this.isClosed || cursor !== this.cursor) throw error;
        // CSOT: a timed-out next() does not invalidate the stream; the next call resumes it.
        if (error instanceof MongoOperationTimeoutError) {
          this.timedOut = cursor;
          throw error;
        }
        if (!isResumableChangeStreamError(error, this.maxWireVersion)) {
          await this.close();
          throw error;
        }
        await this.resume(cursor);
        continue;
      }
      if (event === null) {
        if (cursor.closed) await this.end();
        return undefined;
      }
      return this.accept(event, cursor);
    }
  }

  private async accept(event: Document, cursor: ChangeStreamCursor): Promise<Pending> {
    const id: unknown = event._id;
    if (id === undefined || id === null) {
      await this.close();
      throw new MongoChangeStreamError(MISSING_RESUME_TOKEN_MESSAGE);
    }
    return { event, id: id as ResumeToken, lastOfBatch: cursor.bufferedCount() === 0 };
  }

  private handOut(pending: Pending): TChange {
    this.state.recordReturned(pending.id, pending.lastOfBatch);
    return pending.event as TChange;
  }

  /** Resume Process: kill the old cursor (errors ignored), select a server, aggregate again. */
  private async resume(failed: ChangeStreamCursor): Promise<void> {
    this.cursor = undefined;
    await failed.close();
    try {
      await this.openCursor(this.state.resumeStage());
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async openCursor(stage: Document): Promise<void> {
    this.assertOpen();
    const o = this.options;
    const scope = this.scope;
    const dbName = scope.kind === 'cluster' ? 'admin' : scope.db;
    const collectionName = scope.kind === 'collection' ? scope.collection : undefined;
    const pipeline = [{ $changeStream: stage }, ...this.pipeline];
    const own = forOperation(this.level, { readPreference: o.readPreference, readConcern: o.readConcern, session: this.session, timeoutMS: o.timeoutMS });
    // A resume inside next() spends what is left of that call's deadline.
    const callTimeout = this.callTimeout;
    const inherited = callTimeout === undefined ? own : { ...own, timeoutContext: callTimeout };
    const cursorOptions: CursorOptions = { batchSize: o.batchSize, maxAwaitTimeMS: o.maxAwaitTimeMS, comment: o.comment, session: this.session, awaitData: true };
    const cursor = new ChangeStreamCursor(
      this.executor,
      (current) => new AggregateOperation(dbName, collectionName, pipeline, { batchSize: current.batchSize, collation: o.collation, comment: o.comment }, inherited),
      cursorOptions,
      this,
    );
    this.cursor = cursor;
    this.aggregates += 1;
    await cursor.initialize();
  }

  /** The server closed the cursor (invalidate, or a dropped collection on old servers). */
  private async end(): Promise<void> {
    this.ended = true;
    await this.close();
  }

  private releaseSession(): void {
    if (!this.ownsSession) return;
    this.ownsSession = false;
    this.executor.releaseSession(this.session);
  }

  private assertOpen(): void {
    if (this.isClosed) throw new MongoCursorExhaustedError('change stream is closed');
  }
}
