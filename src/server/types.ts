// Contract between the embedded server's parts: the wire server and dispatcher
// (src/server/*.ts), the storage engine (src/server/storage/) and the command
// handlers (src/server/commands/). Handlers see one command document: the
// dispatcher has already merged OP_MSG kind-1 sequences into the body as arrays.
import type { Document } from '../bson.js';
import type { CursorDocument } from './storage/raw-document.js';
import type { Storage } from './storage/storage.js';

/** What the server knows of one client connection. */
export interface ConnectionInfo {
  readonly id: number;
  /** client.application.name from the handshake, if any. */
  appName: string | undefined;
  /** The handshake's client metadata document, if any. */
  clientMetadata: Document | undefined;
  readonly remoteAddress: string;
}

/** Options for a new server-side cursor. */
export interface CursorOptions {
  /** "db.collection" (or "db.$cmd.listCollections" etc.). */
  ns: string;
  /** The first batch's size (default: `defaultBatchSize`, else up to 16 MiB). */
  batchSize?: number;
  /** The first batch's size when the command gives none (101 for find and aggregate, as mongod). */
  defaultBatchSize?: number;
  /** Close the cursor after the first batch. */
  singleBatch?: boolean;
  /** The connection that opened it (for killAllSessions / connection-close bookkeeping). */
  connectionId: number;
  /** The session that owns it, if any. */
  lsid?: Document;
  comment?: unknown;
  /** Makes the cursor tailable (find with `tailable` on a capped collection). */
  tailable?: TailableSource;
  /** Makes the cursor compute its batches on demand (a change stream); `documents` is then ignored. */
  stream?: CursorStream;
}

/**
 * A cursor whose batches are computed when asked for (a change stream). It stays
 * open at its end (getMore awaits more, up to its maxTimeMS) until it says it is closed.
 */
export interface CursorStream {
  /** Up to `batchSize` documents (undefined: as many as fit in a reply); `closed` ends the cursor after them. Throw CommandError to fail (the cursor is then killed). */
  next(batchSize: number | undefined): { batch: Document[]; closed: boolean };
  /** Fields added to the reply's cursor document after each batch (postBatchResumeToken). */
  cursorFields(): Document;
  /** Resolves when more documents may be available, or after `ms`. */
  waitForMore(ms: number): Promise<void>;
  /** Labels a getMore error as this kind of cursor's server would (ResumableChangeStreamError). */
  labelError?(error: unknown): unknown;
}

/**
 * Where a tailable cursor finds documents appended after it reached the end:
 * `requery` re-runs the query with `$recordId` on every document (find's
 * showRecordId), so the cursor can return only records newer than its last one.
 */
export interface TailableSource {
  /** getMore waits (up to its maxTimeMS, default 1 s) for new documents instead of returning an empty batch. */
  readonly awaitData: boolean;
  /** Keep `$recordId` in returned documents (the command asked for showRecordId). */
  readonly showRecordId: boolean;
  requery(): Document[];
}

/** Server-side cursors. The store owns the remaining documents and the id. */
export interface CursorStore {
  /**
   * Registers `documents` (already filtered, sorted and projected) and returns the
   * reply's `cursor` sub-document: `{ firstBatch, id, ns }` (id 0 when exhausted).
   * Documents may be RawDocument (a stored document's bytes, spliced into the
   * reply as is): `materialize` from storage/raw-document.ts turns one into an object.
   */
  open(documents: CursorDocument[], options: CursorOptions): Document;
}

/** The logical sessions the server has seen, as $listLocalSessions documents. */
export interface LocalSessionList {
  list(): Document[];
}

/** The server-wide state a handler may use. */
export interface ServerContext {
  readonly storage: Storage;
  readonly cursors: CursorStore;
  /** Absent in servers assembled without a session cache (unit tests). */
  readonly localSessions?: LocalSessionList;
}

export interface CommandContext {
  /** The command's $db. */
  readonly dbName: string;
  readonly server: ServerContext;
  readonly connection: ConnectionInfo;
}

/** A command's handler. Throw CommandError for { ok: 0 } replies. */
export interface CommandHandler {
  /** The command name as the first key of the body (e.g. "find"). */
  readonly name: string;
  /** Other names (e.g. "isMaster", "ismaster" for "hello"). */
  readonly aliases?: readonly string[];
  run(command: Document, context: CommandContext): Document | Promise<Document>;
  /**
   * Runs before failpoints are consulted, for state the server records even when the
   * command then fails (the handshake's client metadata, which appName-scoped
   * failpoints on hello itself must already see). Throw CommandError to reject.
   */
  observe?(command: Document, context: CommandContext): void;
}
