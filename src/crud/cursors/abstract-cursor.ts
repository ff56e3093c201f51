// A server cursor seen from the client: the first batch comes from a cursor-creating
// command, later ones from getMore on the same server; killCursors when the
// application stops early (close(), `break` out of for-await, limit reached).
// This file is the application's API; the batches, the server-side state and the
// CSOT deadlines live in cursor-buffer.ts, server-cursor.ts and cursor-timeout.ts.
import type { Document, Long } from '../../bson.js';
import { MongoCursorExhaustedError, MongoCursorInUseError, MongoInvalidArgumentError } from '../../errors.js';
import type { TimeoutContext } from '../../connection/timeout-context.js';
import type { Executor } from '../executor.js';
import type { CursorResponse } from '../operations/cursor-response.js';
import type { Operation } from '../operations/operation.js';
import type { ServerHandle } from '../target.js';
import { CursorBuffer } from './cursor-buffer.js';
import type { CursorOptions } from './cursor-options.js';
import { CursorTiming, type CursorCloseOptions } from './cursor-timeout.js';
import { ServerCursor } from './server-cursor.js';

export type { CursorOptions } from './cursor-options.js';
export { planCursorTimeout, type CursorCloseOptions, type TimeoutMode } from './cursor-timeout.js';

type Transform = (doc: Document) => unknown;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export abstract class AbstractCursor<TSchema = Document> implements AsyncIterable<TSchema>, AsyncDisposable {
  private readonly buffer = new CursorBuffer();
  private readonly serverCursor: ServerCursor;
  private readonly timing = new CursorTiming();
  private initialized = false;
  private isClosed = false;
  private transform: Transform | undefined;
  private iterating = false;

  protected constructor(
    protected readonly executor: Executor,
    protected readonly cursorOptions: CursorOptions,
  ) {
    this.serverCursor = new ServerCursor(executor, cursorOptions);
  }

  /** The command that opens the cursor (find, aggregate, listCollections, …). */
  protected abstract initialOperation(): Operation<CursorResponse>;

  /** The server-side cursor id, once known (0 when the server closed it). */
  get id(): Long | undefined {
    return this.serverCursor.id;
  }

  /** "db.collection" of the cursor, once known. */
  get namespace(): string {
    return this.serverCursor.namespace;
  }

  get closed(): boolean {
    return this.isClosed || (this.serverCursor.exhausted && this.buffer.count === 0);
  }

  bufferedCount(): number {
    return this.buffer.count;
  }

  /** Takes up to `count` documents from the local buffer without a round trip. */
  readBufferedDocuments(count?: number): TSchema[] {
    const n = Math.min(count ?? this.buffer.count, this.buffer.count);
    const out: TSchema[] = [];
    for (let i = 0; i < n; i++) out.push(this.take());
    return out;
  }

  batchSize(size: number): this {
    this.assertNotStarted('batchSize');
    if (!Number.isInteger(size)) throw new MongoInvalidArgumentError(`batchSize must be an integer, got ${String(size)}`);
    this.cursorOptions.batchSize = size;
    return this;
  }

  /** Applies `fn` to each document as it is returned. */
  map<U>(fn: (doc: TSchema) => U): AbstractCursor<U> {
    this.assertNotStarted('map');
    const previous = this.transform;
    const mapper = fn as (doc: unknown) => unknown;
    this.transform = previous === undefined ? (mapper as Transform) : (doc) => mapper(previous(doc));
    return this as unknown as AbstractCursor<U>;
  }

  async next(): Promise<TSchema | null> {
    return this.timing.call(async () => {
      while (this.buffer.count === 0) {
        if (this.isClosed) throw new MongoCursorExhaustedError('cursor is closed');
        if (this.serverCursor.exhausted) return null;
        await this.fetchMore();
        if (this.cursorOptions.tailable !== true && this.buffer.count === 0 && this.serverCursor.exhausted) return null;
      }
      return this.take();
    });
  }

  /** Like next(), but for tailable cursors returns null instead of waiting for new documents. */
  async tryNext(): Promise<TSchema | null> {
    return this.timing.call(async () => {
      if (this.buffer.count === 0) {
        if (this.isClosed) throw new MongoCursorExhaustedError('cursor is closed');
        if (this.serverCursor.exhausted) return null;
        await this.fetchMore();
        if (this.buffer.count === 0) return null;
      }
      return this.take();
    });
  }

  async hasNext(): Promise<boolean> {
    return this.timing.call(async () => {
      while (this.buffer.count === 0) {
        if (this.isClosed || this.serverCursor.exhausted) return false;
        await this.fetchMore();
      }
      return true;
    });
  }

  /** In ITERATION mode each batch it fetches is one next()'s worth: each gets timeoutMS afresh. */
  async toArray(): Promise<TSchema[]> {
    const out: TSchema[] = [];
    for (;;) {
      while (this.buffer.count > 0) out.push(this.take());
      if (this.isClosed || this.serverCursor.exhausted) return out;
      await this.timing.call(() => this.fetchMore());
    }
  }

  async forEach(fn: (doc: TSchema) => boolean | void): Promise<void> {
    for await (const doc of this) if (fn(doc) === false) break;
  }

  [Symbol.asyncIterator](): AsyncIterator<TSchema, undefined> {
    this.iterating = true;
    return {
      next: () => this.iterationStep(),
      return: async () => {
        await this.close();
        return DONE;
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * @internal Sends the opening command now, handing out nothing (a change stream opens its
   * cursor before the first next()). No-op once the cursor has started.
   */
  async initialize(): Promise<void> {
    if (!this.initialized) await this.fetchMore();
  }

  /**
   * @internal Hands the ending of the implicit session to the caller (Executor.releaseSession);
   * the cursor goes on using it, as an application's session (a change stream keeps one
   * session across resumes).
   */
  takeImplicitSession(): unknown {
    return this.serverCursor.takeImplicitSession();
  }

  /**
   * @internal A change stream's next() spans its getMore and any resume: it hands the cursor
   * that call's deadline (undefined: each call of the cursor starts its own).
   */
  shareCallTimeout(timeout: TimeoutContext | undefined): void {
    this.timing.share(timeout);
  }

  /** Every reply, opening or getMore, before its documents are handed out (change streams read postBatchResumeToken). */
  protected onResponse(_response: CursorResponse, _server: ServerHandle): void {}

  /**
   * Kills the server cursor if it is still open and releases what the cursor holds. Under
   * timeoutMS, killCursors gets the timeout afresh (or `options.timeoutMS`).
   */
  async close(options?: CursorCloseOptions): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.buffer.clear();
    const pending = this.buffer.takePrefetched();
    if (pending !== undefined) {
      try {
        this.absorb(await pending);
      } catch {
        // The cursor is going away; a failed prefetch changes nothing.
      }
    }
    await this.serverCursor.kill(options?.timeoutMS ?? this.timing.timeoutMS);
  }

  protected assertNotStarted(what: string): void {
    if (this.initialized) throw new MongoCursorInUseError(`cannot call ${what}() after the cursor has started iterating`);
  }

  /** The fast path returns without an await when a document is buffered. */
  private iterationStep(): Promise<IteratorResult<TSchema, undefined>> {
    if (this.buffer.count > 0) return Promise.resolve({ done: false, value: this.take() });
    return this.next().then((value) => (value === null && this.buffer.count === 0 ? DONE : { done: false, value: value as TSchema }));
  }

  private take(): TSchema {
    const doc = this.buffer.shift();
    if (this.buffer.count === 0) this.onBatchDrained();
    const transform = this.transform;
    return (transform === undefined ? doc : transform(doc)) as TSchema;
  }

  /**
   * The last buffered document was just handed out. While iterating, ask for the next
   * batch now so it travels while the application handles that document; this is the
   * getMore the next call would send anyway, so nothing visible changes.
   */
  private onBatchDrained(): void {
    // Under timeoutMS a getMore must start with the next() call its time belongs to.
    if (!this.iterating || this.buffer.prefetching || this.cursorOptions.tailable === true || this.timing.active) return;
    if (this.serverCursor.exhausted || this.isClosed || !this.initialized) return;
    this.buffer.prefetch(this.serverCursor.getMore({}));
  }

  private async fetchMore(): Promise<void> {
    const cursor = this.serverCursor;
    if (!this.initialized) {
      this.initialized = true;
      const operation = this.initialOperation();
      const executed = await this.executor.executeWithContext(operation, {
        pinConnection: this.executor.settings.target.topologyType === 'LoadBalanced',
        keepSession: true,
        ...this.timing.opening(this.cursorOptions, operation.timeoutMS, operation.timeoutContext),
      });
      cursor.opened(executed);
      this.absorb(executed.result);
      this.onResponse(executed.result, executed.server);
      await cursor.afterBatch(this.timing.timeoutMS);
      return;
    }
    const pending = this.buffer.takePrefetched() ?? cursor.getMore(this.timing.getMore(this.cursorOptions.awaitData === true));
    let response: CursorResponse;
    try {
      response = await pending;
    } catch (error) {
      await cursor.getMoreFailed(error, this.timing.timeoutMS);
      throw error;
    }
    this.absorb(response);
    if (cursor.server !== undefined) this.onResponse(response, cursor.server);
    await cursor.afterBatch(this.timing.timeoutMS);
  }

  private absorb(response: CursorResponse): void {
    this.serverCursor.absorb(response);
    if (!this.isClosed) this.buffer.append(response.batch);
  }
}
