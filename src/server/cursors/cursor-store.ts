// The server's open cursors: each holds the documents still to be returned, so
// getMore is a slice of an array. Cursors outlive the connection that opened
// them (as on a real server); idle ones are reaped like cursorTimeoutMillis.
// A tailable cursor stays open at the end of its data and, when it runs dry,
// re-queries for records newer than the last one it returned.
import { Long, type Document } from '../../bson.js';
import { materialize, type CursorDocument } from '../storage/raw-document.js';
import type { CursorOptions, CursorStore, CursorStream, TailableSource } from '../types.js';
import { takeBatch } from './batch.js';
import { cursorIdKey, newCursorId } from './cursor-id.js';
import { TailPosition } from './tail-position.js';

/** A real server's default cursorTimeoutMillis (10 minutes). */
export const DEFAULT_CURSOR_TIMEOUT_MS = 10 * 60 * 1000;

export interface OpenCursor {
  readonly id: Long;
  readonly ns: string;
  readonly connectionId: number;
  readonly lsid: Document | undefined;
  readonly comment: unknown;
  /** The documents not yet returned start at `position` (a tailable cursor refills this). */
  documents: CursorDocument[];
  position: number;
  lastUsed: number;
  /** Set for tailable cursors. */
  readonly tail: TailPosition | undefined;
  /** Set for cursors that compute their batches (change streams). */
  readonly stream?: CursorStream;
}

/** One batch as getMore replies it: `fields` go into the reply's cursor document. */
export interface CursorBatch {
  batch: CursorDocument[];
  id: Long;
  fields?: Document;
}

export interface CursorStoreOptions {
  /** Idle time after which a cursor is closed (default 10 minutes). */
  idleTimeoutMS?: number;
}

export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, OpenCursor>();
  private readonly idleTimeoutMS: number;
  private reaper: NodeJS.Timeout | undefined;

  constructor(options: CursorStoreOptions = {}) {
    this.idleTimeoutMS = options.idleTimeoutMS ?? DEFAULT_CURSOR_TIMEOUT_MS;
  }

  open(documents: CursorDocument[], options: CursorOptions): Document {
    if (options.stream !== undefined) return this.openStream(options.stream, options);
    if (options.tailable !== undefined) return this.openTailable(options.tailable, options);
    // batchSize 0 on the opening command means "create the cursor, return nothing yet".
    const firstBatch = options.batchSize === 0 ? [] : takeBatch(documents, 0, options.batchSize ?? options.defaultBatchSize);
    if (options.singleBatch === true || firstBatch.length >= documents.length) {
      return { firstBatch, id: Long.ZERO, ns: options.ns };
    }
    const id = this.register(documents, firstBatch.length, options, undefined);
    return { firstBatch, id, ns: options.ns };
  }

  private openTailable(source: TailableSource, options: CursorOptions): Document {
    const tail = new TailPosition(source);
    const documents = tail.fresh();
    const taken = options.batchSize === 0 ? [] : takeBatch(documents, 0, options.batchSize ?? options.defaultBatchSize);
    const firstBatch = tail.deliver(taken);
    if (options.singleBatch === true) return { firstBatch, id: Long.ZERO, ns: options.ns };
    const id = this.register(documents, taken.length, options, tail);
    return { firstBatch, id, ns: options.ns };
  }

  private openStream(stream: CursorStream, options: CursorOptions): Document {
    // batchSize 0 opens the cursor without reading anything yet.
    const first = options.batchSize === 0 ? { batch: [], closed: false } : stream.next(options.batchSize ?? options.defaultBatchSize);
    const closed = first.closed || options.singleBatch === true;
    const id = closed ? Long.ZERO : this.register([], 0, options, undefined, stream);
    return { firstBatch: first.batch, ...stream.cursorFields(), id, ns: options.ns };
  }

  private register(documents: CursorDocument[], position: number, options: CursorOptions, tail: TailPosition | undefined, stream?: CursorStream): Long {
    const id = newCursorId((key) => this.cursors.has(key));
    this.cursors.set(id.toBigInt().toString(), {
      id,
      ns: options.ns,
      connectionId: options.connectionId,
      lsid: options.lsid,
      comment: options.comment,
      documents,
      position,
      lastUsed: Date.now(),
      tail,
      ...(stream !== undefined ? { stream } : {}),
    });
    this.scheduleReaper();
    return id;
  }

  /** The open cursor with this id, if any. */
  find(id: unknown): OpenCursor | undefined {
    const key = cursorIdKey(id);
    return key === undefined ? undefined : this.cursors.get(key);
  }

  /**
   * Takes the next batch; closes the cursor when it is exhausted (a tailable one
   * stays open and may return an empty batch). Returns the id to report (0 when closed).
   */
  nextBatch(cursor: OpenCursor, batchSize: number | undefined): CursorBatch {
    cursor.lastUsed = Date.now();
    if (cursor.stream !== undefined) return this.nextStreamBatch(cursor, cursor.stream, batchSize);
    if (cursor.tail !== undefined) return this.nextTailBatch(cursor, cursor.tail, batchSize);
    const batch = takeBatch(cursor.documents, cursor.position, batchSize);
    cursor.position += batch.length;
    if (cursor.position >= cursor.documents.length) {
      this.cursors.delete(cursor.id.toBigInt().toString());
      return { batch, id: Long.ZERO };
    }
    return { batch, id: cursor.id };
  }

  /** A stream's next batch; the cursor closes when the stream says so or fails. */
  private nextStreamBatch(cursor: OpenCursor, stream: CursorStream, batchSize: number | undefined): CursorBatch {
    let next: { batch: Document[]; closed: boolean };
    try {
      next = stream.next(batchSize);
    } catch (error) {
      this.kill(cursor.id);
      throw error;
    }
    if (next.closed) this.kill(cursor.id);
    return { batch: next.batch, id: next.closed ? Long.ZERO : cursor.id, fields: stream.cursorFields() };
  }

  private nextTailBatch(cursor: OpenCursor, tail: TailPosition, batchSize: number | undefined): { batch: CursorDocument[]; id: Long } {
    if (cursor.position >= cursor.documents.length) {
      cursor.documents = tail.fresh();
      cursor.position = 0;
    }
    const taken = takeBatch(cursor.documents, cursor.position, batchSize).map(materialize);
    cursor.position += taken.length;
    return { batch: tail.deliver(taken), id: cursor.id };
  }

  /** Closes one cursor; false when it was not open. */
  kill(id: unknown): boolean {
    const key = cursorIdKey(id);
    return key !== undefined && this.cursors.delete(key);
  }

  /** Closes every cursor the predicate selects; returns how many. */
  killWhere(predicate: (cursor: OpenCursor) => boolean): number {
    let killed = 0;
    for (const [key, cursor] of this.cursors) {
      if (predicate(cursor)) {
        this.cursors.delete(key);
        killed++;
      }
    }
    return killed;
  }

  get size(): number {
    return this.cursors.size;
  }

  /** Closes all cursors and stops the reaper (server shutdown). */
  clear(): void {
    this.cursors.clear();
    if (this.reaper !== undefined) clearInterval(this.reaper);
    this.reaper = undefined;
  }

  private scheduleReaper(): void {
    if (this.reaper !== undefined) return;
    const every = Math.max(1000, Math.min(60_000, this.idleTimeoutMS));
    this.reaper = setInterval(() => this.reapIdle(), every);
    // The reaper must never keep a process alive on its own.
    this.reaper.unref();
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.idleTimeoutMS;
    this.killWhere((cursor) => cursor.lastUsed < cutoff);
    if (this.cursors.size === 0 && this.reaper !== undefined) {
      clearInterval(this.reaper);
      this.reaper = undefined;
    }
  }
}
