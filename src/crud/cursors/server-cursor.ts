// The server side of a cursor as the client tracks it: its id and namespace, the server
// (and, load-balanced, the pinned connection) it lives on, the implicit session its
// commands share, and ending it: killCursors when the application stops early, then
// checking in the pinned connection and ending the implicit session.
import type { Long } from '../../bson.js';
import { MongoCursorExhaustedError, MongoNetworkError, MongoOperationTimeoutError, MongoServerError } from '../../errors.js';
import { contextFor } from '../csot.js';
import type { Executed, Executor } from '../executor.js';
import type { CursorResponse } from '../operations/cursor-response.js';
import { GetMoreOperation, KillCursorsOperation, splitNamespace } from '../operations/get-more.js';
import type { ConnectionHandle, ServerHandle } from '../target.js';
import type { CursorOptions } from './cursor-options.js';
import type { CommandTiming } from './cursor-timeout.js';

const CURSOR_NOT_FOUND = 43;

export class ServerCursor {
  private cursorId: Long | undefined;
  private ns = { db: '', collection: '' };
  private host: ServerHandle | undefined;
  private pinned: ConnectionHandle | undefined;
  /** The pinned connection failed with a network error: no killCursors may be sent on it. */
  private pinnedBroken = false;
  /** The implicit session the opening command ran in; getMores reuse it until the cursor ends. */
  private implicitSession: unknown;
  private operationId: number | undefined;
  /** No more documents will come: the server closed the cursor, or the client killed it. */
  exhausted = false;
  /** Documents received so far, against the limit. */
  private received = 0;

  /** @param options the cursor's options object (read when each command is built). */
  constructor(
    private readonly executor: Executor,
    private readonly options: CursorOptions,
  ) {}

  get id(): Long | undefined {
    return this.cursorId;
  }

  get namespace(): string {
    return `${this.ns.db}.${this.ns.collection}`;
  }

  get server(): ServerHandle | undefined {
    return this.host;
  }

  /** The opening command ran: the cursor lives where it ran, in its session. */
  opened(executed: Executed<CursorResponse>): void {
    if (this.options.session === undefined) this.implicitSession = executed.session;
    this.host = executed.server;
    this.pinned = executed.connection;
    this.operationId = executed.operationId;
    this.ns = splitNamespace(executed.result.ns);
  }

  /** Takes in a reply's cursor id (0: the server closed the cursor) and how many documents it brought. */
  absorb(response: CursorResponse): void {
    this.cursorId = response.id;
    this.received += response.batch.length;
    if (response.id.isZero()) this.exhausted = true;
  }

  getMore(timing: CommandTiming): Promise<CursorResponse> {
    const id = this.cursorId;
    const server = this.host;
    if (id === undefined || server === undefined) return Promise.reject(new MongoCursorExhaustedError('cursor has no server cursor'));
    const o = this.options;
    let batchSize = o.batchSize !== undefined ? Math.abs(o.batchSize) : undefined;
    if (o.limit !== undefined && o.limit !== 0) {
      const remaining = Math.abs(o.limit) - this.received;
      if (batchSize === undefined || batchSize === 0 || batchSize > remaining) batchSize = remaining;
    }
    const op = new GetMoreOperation(this.ns.db, this.ns.collection, id, { batchSize, maxAwaitTimeMS: o.maxAwaitTimeMS, comment: o.comment }, this.session());
    return this.executor.execute(op, { server, connection: this.pinned, operationId: this.operationId, ...timing });
  }

  /**
   * A getMore failed and the iteration ends: free the server cursor rather than leave it for
   * the server to reap (unless the server says it is already gone). A timed-out next() leaves
   * the cursor as it is: the application may call it again or close() it (with a fresh timeout).
   * A cursor pinned to a connection (load-balanced mode) keeps it until close() (load-balancers
   * spec): after a network error that connection is dead, so close() only checks it in.
   */
  async getMoreFailed(error: unknown, killTimeoutMS: number | undefined): Promise<void> {
    if (this.pinned !== undefined) {
      if (error instanceof MongoNetworkError) this.pinnedBroken = true;
      return;
    }
    const cursorNotFound = error instanceof MongoServerError && error.code === CURSOR_NOT_FOUND;
    if (!cursorNotFound && !(error instanceof MongoOperationTimeoutError)) await this.kill(killTimeoutMS);
  }

  /** After each batch: a limit reached with the cursor left open (5.0+) kills it rather than ask again. */
  async afterBatch(killTimeoutMS: number | undefined): Promise<void> {
    const limit = this.options.limit;
    if (!this.exhausted && limit !== undefined && limit !== 0 && this.received >= Math.abs(limit)) {
      await this.kill(killTimeoutMS);
    }
    if (this.exhausted) this.release();
  }

  /** Sends killCursors if the server cursor is still open (best effort), then releases what the cursor holds. */
  async kill(timeoutMS: number | undefined): Promise<void> {
    const id = this.cursorId;
    const server = this.host;
    this.exhausted = true;
    if (id !== undefined && !id.isZero() && server !== undefined && !this.executor.settings.target.closed && !this.pinnedBroken) {
      this.cursorId = undefined;
      const op = new KillCursorsOperation(this.ns.db, this.ns.collection, [id], this.session());
      try {
        await this.executor.execute(op, { server, connection: this.pinned, operationId: this.operationId, ...(timeoutMS !== undefined ? { timeout: contextFor(timeoutMS) } : {}) });
      } catch {
        // killCursors is best effort: the server reaps idle cursors anyway.
      }
    }
    this.release();
  }

  /** The session of the cursor's commands: the application's, else the implicit one. */
  session(): unknown {
    return this.options.session ?? this.implicitSession;
  }

  /** Hands the ending of the implicit session to the caller; the cursor keeps using it as the application's. */
  takeImplicitSession(): unknown {
    const session = this.implicitSession;
    this.implicitSession = undefined;
    if (session !== undefined) this.options.session = session;
    return session;
  }

  /** Checks in a pinned connection and ends the implicit session (the spec: as soon as the cursor is exhausted). */
  private release(): void {
    const implicit = this.implicitSession;
    this.implicitSession = undefined;
    this.executor.releaseSession(implicit);
    const pinned = this.pinned;
    if (pinned !== undefined && this.host !== undefined) {
      this.pinned = undefined;
      this.host.checkIn(pinned);
    }
  }
}
