// A server cursor seen from the client: the first batch comes from a cursor-creating
// command, later ones from getMore on the same server; killCursors when the
// application stops early (close(), `break` out of for-await, limit reached).
import type { Document, Long } from '../../bson.js';
import { MongoCursorExhaustedError, MongoCursorInUseError, MongoInvalidArgumentError, MongoNetworkError, MongoOperationTimeoutError, MongoServerError } from '../../errors.js';
import type { TimeoutContext } from '../../connection/timeout-context.js';
import { contextFor, type MaxTimeMSPolicy } from '../csot.js';
import { planCursorTimeout, type CursorCloseOptions, type TimeoutMode, type TimeoutPlan } from './cursor-timeout.js';
import type { ExecuteOptions, Executor } from '../executor.js';
import type { CursorResponse } from '../operations/cursor-response.js';
import { GetMoreOperation, KillCursorsOperation, splitNamespace } from '../operations/get-more.js';
import type { Operation } from '../operations/operation.js';
import type { ConnectionHandle, ServerHandle } from '../target.js';

export { planCursorTimeout, type CursorCloseOptions, type TimeoutMode } from './cursor-timeout.js';

export interface CursorOptions {
  batchSize?: number;
  /** The server applies it; the client stops asking (and kills the cursor) once reached. */
  limit?: number;
  maxAwaitTimeMS?: number;
  comment?: unknown;
  tailable?: boolean;
  /** A tailable cursor whose getMores wait for new documents (maxAwaitTimeMS applies). */
  awaitData?: boolean;
  session?: unknown;
  /**
   * CSOT: whether timeoutMS caps the cursor's whole life (default for non-tailable cursors)
   * or applies afresh to the opening command and each next() (tailable cursors' only mode).
   */
  timeoutMode?: TimeoutMode;
}

type Transform = (doc: Document) => unknown;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

export abstract class AbstractCursor<TSchema = Document> implements AsyncIterable<TSchema>, AsyncDisposable {
  private batch: Document[] = [];
  private position = 0;
  private cursorId: Long | undefined;
  private ns = { db: '', collection: '' };
  private server: ServerHandle | undefined;
  private pinned: ConnectionHandle | undefined;
  /** The pinned connection failed with a network error: no killCursors may be sent on it. */
  private pinnedBroken = false;
  /** The implicit session the opening command ran in; getMores reuse it until the cursor ends. */
  private implicitSession: unknown;
  private operationId: number | undefined;
  private initialized = false;
  private isClosed = false;
  private exhausted = false;
  private received = 0;
  private prefetch: Promise<CursorResponse> | undefined;
  private transform: Transform | undefined;
  private iterating = false;
  private timeoutPlan: TimeoutPlan | undefined;
  /** ITERATION mode: the deadline of the current next()/tryNext()/hasNext()/toArray() call, shared by its getMores. */
  private callTimeout: TimeoutContext | undefined;

  protected constructor(
    protected readonly executor: Executor,
    protected readonly cursorOptions: CursorOptions,
  ) {}

  /** The command that opens the cursor (find, aggregate, listCollections, …). */
  protected abstract initialOperation(): Operation<CursorResponse>;

  /** The server-side cursor id, once known (0 when the server closed it). */
  get id(): Long | undefined {
    return this.cursorId;
  }

  /** "db.collection" of the cursor, once known. */
  get namespace(): string {
    return `${this.ns.db}.${this.ns.collection}`;
  }

  get closed(): boolean {
    return this.isClosed || (this.exhausted && this.bufferedCount() === 0);
  }

  bufferedCount(): number {
    return this.batch.length - this.position;
  }

  /** Takes up to `count` documents from the local buffer without a round trip. */
  readBufferedDocuments(count?: number): TSchema[] {
    const n = Math.min(count ?? this.bufferedCount(), this.bufferedCount());
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
    return this.timedCall() ? this.inCall(() => this.nextInCall()) : this.nextInCall();
  }

  private async nextInCall(): Promise<TSchema | null> {
    while (this.position >= this.batch.length) {
      if (this.isClosed) throw new MongoCursorExhaustedError('cursor is closed');
      if (this.exhausted) return null;
      await this.fetchMore();
      if (this.cursorOptions.tailable !== true && this.position >= this.batch.length && this.exhausted) return null;
    }
    return this.take();
  }

  /** Like next(), but for tailable cursors returns null instead of waiting for new documents. */
  async tryNext(): Promise<TSchema | null> {
    return this.timedCall() ? this.inCall(() => this.tryNextInCall()) : this.tryNextInCall();
  }

  private async tryNextInCall(): Promise<TSchema | null> {
    if (this.position >= this.batch.length) {
      if (this.isClosed) throw new MongoCursorExhaustedError('cursor is closed');
      if (this.exhausted) return null;
      await this.fetchMore();
      if (this.position >= this.batch.length) return null;
    }
    return this.take();
  }

  async hasNext(): Promise<boolean> {
    return this.timedCall() ? this.inCall(() => this.hasNextInCall()) : this.hasNextInCall();
  }

  private async hasNextInCall(): Promise<boolean> {
    while (this.position >= this.batch.length) {
      if (this.isClosed || this.exhausted) return false;
      await this.fetchMore();
    }
    return true;
  }

  async toArray(): Promise<TSchema[]> {
    return this.timedCall() ? this.inCall(() => this.toArrayInCall()) : this.toArrayInCall();
  }

  private async toArrayInCall(): Promise<TSchema[]> {
    const out: TSchema[] = [];
    for (;;) {
      while (this.position < this.batch.length) out.push(this.take());
      if (this.isClosed || this.exhausted) return out;
      await this.fetchMore();
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
    const session = this.implicitSession;
    this.implicitSession = undefined;
    if (session !== undefined) this.cursorOptions.session = session;
    return session;
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
    this.batch = [];
    this.position = 0;
    const pending = this.prefetch;
    this.prefetch = undefined;
    if (pending !== undefined) {
      try {
        this.absorb(await pending);
      } catch {
        // The cursor is going away; a failed prefetch changes nothing.
      }
    }
    await this.kill(options?.timeoutMS);
  }

  /** The fast path returns without an await when a document is buffered. */
  private iterationStep(): Promise<IteratorResult<TSchema, undefined>> {
    if (this.position < this.batch.length) return Promise.resolve({ done: false, value: this.take() });
    return this.next().then((value) => (value === null && this.position >= this.batch.length ? DONE : { done: false, value: value as TSchema }));
  }

  private take(): TSchema {
    const doc = this.batch[this.position++];
    if (this.position === this.batch.length) this.onBatchDrained();
    const transform = this.transform;
    return (transform === undefined ? doc : transform(doc)) as TSchema;
  }

  /**
   * The last buffered document was just handed out. While iterating, ask for the next
   * batch now so it travels while the application handles that document; this is the
   * getMore the next call would send anyway, so nothing visible changes.
   */
  private onBatchDrained(): void {
    this.batch = [];
    this.position = 0;
    // Under timeoutMS a getMore must start with the next() call its time belongs to.
    if (!this.iterating || this.prefetch !== undefined || this.cursorOptions.tailable === true || this.timeoutPlan !== undefined) return;
    if (this.exhausted || this.isClosed || !this.initialized) return;
    const pending = this.getMore();
    pending.catch(() => {});
    this.prefetch = pending;
  }

  private async fetchMore(): Promise<void> {
    if (!this.initialized) {
      this.initialized = true;
      const operation = this.initialOperation();
      const executed = await this.executor.executeWithContext(operation, {
        pinConnection: this.executor.settings.target.topologyType === 'LoadBalanced',
        keepSession: true,
        ...this.openingTimeout(operation),
      });
      if (this.cursorOptions.session === undefined) this.implicitSession = executed.session;
      this.server = executed.server;
      this.pinned = executed.connection;
      this.operationId = executed.operationId;
      this.ns = splitNamespace(executed.result.ns);
      this.absorb(executed.result);
      this.onResponse(executed.result, executed.server);
      await this.afterBatch();
      return;
    }
    const pending = this.prefetch ?? this.getMore();
    this.prefetch = undefined;
    let response: CursorResponse;
    try {
      response = await pending;
    } catch (error) {
      // The iteration ends here: free the server cursor rather than leave it for the server to reap
      // (unless the server says it is already gone). A timed-out next() leaves the cursor as it
      // is: the application may call it again or close() it (with a fresh timeout).
      // A cursor pinned to a connection (load-balanced mode) keeps it until close() (load-balancers
      // spec): after a network error that connection is dead, so close() only checks it in.
      if (this.pinned !== undefined) {
        if (error instanceof MongoNetworkError) this.pinnedBroken = true;
        throw error;
      }
      if (!isCursorNotFound(error) && !(error instanceof MongoOperationTimeoutError)) await this.kill();
      throw error;
    }
    this.absorb(response);
    if (this.server !== undefined) this.onResponse(response, this.server);
    await this.afterBatch();
  }

  private getMore(): Promise<CursorResponse> {
    const id = this.cursorId;
    const server = this.server;
    if (id === undefined || server === undefined) return Promise.reject(new MongoCursorExhaustedError('cursor has no server cursor'));
    const o = this.cursorOptions;
    let batchSize = o.batchSize !== undefined ? Math.abs(o.batchSize) : undefined;
    if (o.limit !== undefined && o.limit !== 0) {
      const remaining = Math.abs(o.limit) - this.received;
      if (batchSize === undefined || batchSize === 0 || batchSize > remaining) batchSize = remaining;
    }
    const op = new GetMoreOperation(this.ns.db, this.ns.collection, id, { batchSize, maxAwaitTimeMS: o.maxAwaitTimeMS, comment: o.comment }, this.session());
    return this.executor.execute(op, { server, connection: this.pinned, operationId: this.operationId, ...this.getMoreTimeout() });
  }

  /**
   * @internal A change stream's next() spans its getMore and any resume: it hands the cursor
   * that call's deadline (undefined: each call of the cursor starts its own).
   */
  shareCallTimeout(timeout: TimeoutContext | undefined): void {
    this.callTimeout = timeout;
  }

  /** Whether a public call starts its own deadline: ITERATION mode, unless one is already running (or shared). */
  private timedCall(): boolean {
    return this.timeoutPlan?.mode === 'iteration' && this.callTimeout === undefined;
  }

  /** Runs one public call whose getMores share one fresh deadline (CSOT "Cursors", ITERATION mode). */
  private async inCall<T>(call: () => Promise<T>): Promise<T> {
    const plan = this.timeoutPlan;
    if (plan === undefined) return call();
    this.callTimeout = contextFor(plan.timeoutMS);
    try {
      return await call();
    } finally {
      this.callTimeout = undefined;
    }
  }

  /** The opening command's timing: ITERATION mode sends no maxTimeMS unless the cursor awaits data. */
  private openingTimeout(operation: Operation<CursorResponse>): Pick<ExecuteOptions, 'timeout' | 'maxTimeMS'> {
    const plan = planCursorTimeout(this.cursorOptions, operation.timeoutMS);
    if (plan === undefined) return {};
    const timeout = operation.timeoutContext ?? contextFor(plan.timeoutMS);
    this.timeoutPlan = { ...plan, lifetime: plan.mode === 'cursorLifetime' ? timeout : undefined };
    const policy: MaxTimeMSPolicy = plan.mode === 'cursorLifetime' || this.cursorOptions.awaitData === true ? 'deadline' : 'omit';
    return { timeout, maxTimeMS: policy };
  }

  /** getMore never carries a maxTimeMS of its own but an awaitData cursor's maxAwaitTimeMS (capped by the time left). */
  private getMoreTimeout(): Pick<ExecuteOptions, 'timeout' | 'maxTimeMS'> {
    const plan = this.timeoutPlan;
    if (plan === undefined) return {};
    const policy: MaxTimeMSPolicy = this.cursorOptions.awaitData === true ? 'awaitCap' : 'omit';
    return { timeout: plan.lifetime ?? this.callTimeout ?? contextFor(plan.timeoutMS), maxTimeMS: policy };
  }

  private absorb(response: CursorResponse): void {
    this.cursorId = response.id;
    this.received += response.batch.length;
    if (!this.isClosed) {
      if (this.position < this.batch.length) this.batch = this.batch.slice(this.position).concat(response.batch);
      else this.batch = response.batch;
      this.position = 0;
    }
    if (response.id.isZero()) this.exhausted = true;
  }

  /** Server limit reached but cursor left open (5.0+): kill it rather than ask again. */
  private async afterBatch(): Promise<void> {
    const limit = this.cursorOptions.limit;
    if (!this.exhausted && limit !== undefined && limit !== 0 && this.received >= Math.abs(limit)) {
      await this.kill();
    }
    if (this.exhausted) this.release();
  }

  private async kill(timeoutMS?: number): Promise<void> {
    const id = this.cursorId;
    const server = this.server;
    this.exhausted = true;
    if (id !== undefined && !id.isZero() && server !== undefined && !this.executor.settings.target.closed && !this.pinnedBroken) {
      this.cursorId = undefined;
      const op = new KillCursorsOperation(this.ns.db, this.ns.collection, [id], this.session());
      const limit = timeoutMS ?? this.timeoutPlan?.timeoutMS;
      try {
        await this.executor.execute(op, { server, connection: this.pinned, operationId: this.operationId, ...(limit !== undefined ? { timeout: contextFor(limit) } : {}) });
      } catch {
        // killCursors is best effort: the server reaps idle cursors anyway.
      }
    }
    this.release();
  }

  private session(): unknown {
    return this.cursorOptions.session ?? this.implicitSession;
  }

  /** Checks in a pinned connection and ends the implicit session (the spec: as soon as the cursor is exhausted). */
  private release(): void {
    const implicit = this.implicitSession;
    this.implicitSession = undefined;
    this.executor.releaseSession(implicit);
    const pinned = this.pinned;
    if (pinned !== undefined && this.server !== undefined) {
      this.pinned = undefined;
      this.server.checkIn(pinned);
    }
  }

  protected assertNotStarted(what: string): void {
    if (this.initialized) throw new MongoCursorInUseError(`cannot call ${what}() after the cursor has started iterating`);
  }
}

const CURSOR_NOT_FOUND = 43;

function isCursorNotFound(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === CURSOR_NOT_FOUND;
}
