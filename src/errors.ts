// The error hierarchy. Every error thrown by mongrove is a MongoError, so
// applications can catch one type; subclasses say which layer and why.
import type { Document } from './bson.js';

export class MongoError extends Error {
  private readonly labels = new Set<string>();

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  override get name(): string {
    return 'MongoError';
  }

  get errorLabels(): string[] {
    return [...this.labels];
  }

  hasErrorLabel(label: string): boolean {
    return this.labels.has(label);
  }

  addErrorLabel(label: string): void {
    this.labels.add(label);
  }
}

/** An error raised by the driver itself, not reported by a server. */
export class MongoDriverError extends MongoError {
  override get name(): string {
    return 'MongoDriverError';
  }
}

/** The application used the API wrongly (bad argument, wrong state). */
export class MongoAPIError extends MongoDriverError {
  override get name(): string {
    return 'MongoAPIError';
  }
}

export class MongoInvalidArgumentError extends MongoAPIError {
  override get name(): string {
    return 'MongoInvalidArgumentError';
  }
}

/** A connection string or option could not be parsed or validated. */
export class MongoParseError extends MongoDriverError {
  override get name(): string {
    return 'MongoParseError';
  }
}

/** Something the driver did not expect happened at run time. */
export class MongoRuntimeError extends MongoDriverError {
  override get name(): string {
    return 'MongoRuntimeError';
  }
}

/** An optional package (snappy, zstd, …) is needed but not installed. */
export class MongoMissingDependencyError extends MongoAPIError {
  readonly dependencyName: string;
  constructor(dependencyName: string, why: string, options?: { cause?: unknown }) {
    super(`Optional package '${dependencyName}' is required ${why} but is not installed: npm install ${dependencyName}`, options);
    this.dependencyName = dependencyName;
  }
  override get name(): string {
    return 'MongoMissingDependencyError';
  }
}

/** Bytes on the wire did not form a valid MongoDB message. */
export class MongoWireProtocolError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoWireProtocolError';
  }
}

export class MongoCompatibilityError extends MongoAPIError {
  override get name(): string {
    return 'MongoCompatibilityError';
  }
}

export class MongoNetworkError extends MongoError {
  constructor(message: string, options?: { cause?: unknown; beforeHandshake?: boolean }) {
    super(message, options);
    this.beforeHandshake = options?.beforeHandshake ?? false;
  }
  readonly beforeHandshake: boolean;
  override get name(): string {
    return 'MongoNetworkError';
  }
}

export class MongoNetworkTimeoutError extends MongoNetworkError {
  override get name(): string {
    return 'MongoNetworkTimeoutError';
  }
}

export class MongoTopologyClosedError extends MongoAPIError {
  override get name(): string {
    return 'MongoTopologyClosedError';
  }
}

export class MongoServerSelectionError extends MongoError {
  override get name(): string {
    return 'MongoServerSelectionError';
  }
}

export class MongoOperationTimeoutError extends MongoDriverError {
  override get name(): string {
    return 'MongoOperationTimeoutError';
  }
}

/** An error reported by a server in a command reply ({ ok: 0, code, codeName, errmsg }). */
export class MongoServerError extends MongoError {
  readonly code: number | undefined;
  readonly codeName: string | undefined;
  readonly errInfo: Document | undefined;
  readonly reply: Document;

  constructor(reply: Document) {
    super(typeof reply.errmsg === 'string' ? reply.errmsg : typeof reply.$err === 'string' ? reply.$err : 'server reported an error');
    this.reply = reply;
    this.code = typeof reply.code === 'number' ? reply.code : undefined;
    this.codeName = typeof reply.codeName === 'string' ? reply.codeName : undefined;
    this.errInfo = isDocument(reply.errInfo) ? reply.errInfo : undefined;
    if (Array.isArray(reply.errorLabels)) {
      for (const label of reply.errorLabels) if (typeof label === 'string') this.addErrorLabel(label);
    }
  }

  override get name(): string {
    return 'MongoServerError';
  }
}

/** A write concern error reported alongside an otherwise successful write. */
export class MongoWriteConcernError extends MongoServerError {
  readonly result: Document | undefined;
  constructor(writeConcernError: Document, result?: Document) {
    super({ ...writeConcernError, errorLabels: result?.errorLabels ?? writeConcernError.errorLabels });
    this.result = result;
  }
  override get name(): string {
    return 'MongoWriteConcernError';
  }
}

function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checkout from a connection pool that was closed (CMAP PoolClosedError). */
export class MongoPoolClosedError extends MongoDriverError {
  readonly address: string;
  constructor(address: string) {
    super(`Attempted to check out a connection from closed connection pool: ${address}`);
    this.address = address;
  }
  override get name(): string {
    return 'MongoPoolClosedError';
  }
}

/**
 * The pool was cleared (paused) while a checkout waited, or an in-use connection
 * was interrupted by a clear (CMAP PoolClearedError). It is a non-timeout network
 * error that is retryable and must not mark the server Unknown; the executor adds
 * RetryableWriteError / TransientTransactionError as the retry specs say.
 */
export class MongoPoolClearedError extends MongoNetworkError {
  readonly address: string;
  constructor(address: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.address = address;
  }
  override get name(): string {
    return 'MongoPoolClearedError';
  }
}

/** A checkout waited longer than waitQueueTimeoutMS (CMAP WaitQueueTimeoutError). */
export class MongoWaitQueueTimeoutError extends MongoDriverError {
  readonly address: string;
  constructor(address: string, message: string) {
    super(message);
    this.address = address;
  }
  override get name(): string {
    return 'MongoWaitQueueTimeoutError';
  }
}

/** A server claimed to be primary but a newer primary (or election) is known; SDAM marked it Unknown. */
export class MongoStalePrimaryError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoStalePrimaryError';
  }
}

/** One write of a single-statement write (insertOne, updateOne, …) failed: writeErrors[0]. */
export class MongoWriteError extends MongoServerError {
  /** The write error document as the server sent it ({ index, code, errmsg, errInfo }). */
  readonly writeError: Document;
  constructor(writeError: Document, reply: Document) {
    super({ ...writeError, errorLabels: reply.errorLabels });
    this.writeError = writeError;
  }
  override get name(): string {
    return 'MongoWriteError';
  }
}

/**
 * A bulk write (insertMany, bulkWrite) had write errors or write concern errors, or was
 * stopped by a top-level error (`cause`, also `error`: a network error, a server error
 * reply, …); `result` holds what succeeded before it stopped. With a cause, the code,
 * code name and labels are the cause's, so retry and transaction logic read them as usual.
 */
export class MongoBulkWriteError extends MongoServerError {
  /** Each with `index` mapped back to the caller's operation index. */
  readonly writeErrors: Document[];
  readonly writeConcernErrors: Document[];
  /** The partial result (a BulkWriteResult). */
  readonly result: unknown;
  constructor(writeErrors: Document[], writeConcernErrors: Document[], result: unknown, errorLabels: string[] = [], error?: unknown) {
    super(bulkErrorReply(writeErrors, writeConcernErrors, errorLabels, error));
    this.writeErrors = writeErrors;
    this.writeConcernErrors = writeConcernErrors;
    this.result = result;
    if (error !== undefined) Object.defineProperty(this, 'cause', { value: error, enumerable: false, writable: false });
  }

  /** The top-level error that stopped the bulk write, if one did. */
  get error(): unknown {
    return this.cause;
  }

  override get name(): string {
    return 'MongoBulkWriteError';
  }
}

/** The summary reply a MongoBulkWriteError presents: the top-level error that stopped it, or its first write error. */
function bulkErrorReply(writeErrors: Document[], writeConcernErrors: Document[], errorLabels: string[], error: unknown): Document {
  if (error instanceof Error) {
    const labels = error instanceof MongoError ? [...new Set([...error.errorLabels, ...errorLabels])] : errorLabels;
    const server = error instanceof MongoServerError ? error : undefined;
    return { errmsg: `bulk write stopped: ${error.message}`, code: server?.code, codeName: server?.codeName, errorLabels: labels };
  }
  const first = writeErrors[0] ?? writeConcernErrors[0] ?? {};
  const total = writeErrors.length + writeConcernErrors.length;
  return {
    errmsg: total > 1 ? `${String(first.errmsg ?? 'write failed')} (and ${total - 1} more write error(s))` : String(first.errmsg ?? 'write failed'),
    code: first.code,
    codeName: first.codeName,
    errorLabels,
  };
}

/** next() was called on a cursor that is exhausted or closed. */
export class MongoCursorExhaustedError extends MongoAPIError {
  override get name(): string {
    return 'MongoCursorExhaustedError';
  }
}

/** A cursor's options were changed after iteration began. */
export class MongoCursorInUseError extends MongoAPIError {
  override get name(): string {
    return 'MongoCursorInUseError';
  }
}

/** A bulk write was given no operations. */
export class MongoEmptyBulkWriteError extends MongoInvalidArgumentError {
  override get name(): string {
    return 'MongoEmptyBulkWriteError';
  }
}

/** The client was closed; no further operations may run. */
export class MongoClientClosedError extends MongoAPIError {
  override get name(): string {
    return 'MongoClientClosedError';
  }
}

/** One failed model of Client.bulkWrite (bulk-write spec WriteError). */
export interface ClientBulkWriteErrorDetail {
  readonly code: number;
  readonly codeName?: string;
  readonly message: string;
  readonly errInfo?: Document;
  /** The server's whole cursor entry for the failed op. */
  readonly details: Document;
}

/** A write concern error of one bulkWrite command (bulk-write spec WriteConcernError). */
export interface ClientBulkWriteConcernErrorDetail {
  readonly code: number;
  readonly codeName?: string;
  readonly message: string;
  readonly errInfo?: Document;
  readonly details: Document;
}

/**
 * Client.bulkWrite failed (bulk-write spec BulkWriteException): individual write errors by
 * model index, write concern errors, the results of what succeeded (partialResult, unset
 * when nothing is known to have succeeded) and, as `cause`/`error`, a top-level error.
 */
export class MongoClientBulkWriteError<TResult = unknown> extends MongoServerError {
  readonly writeErrors: ReadonlyMap<number, ClientBulkWriteErrorDetail>;
  readonly writeConcernErrors: readonly ClientBulkWriteConcernErrorDetail[];
  readonly partialResult: TResult | undefined;

  constructor(
    fields: {
      writeErrors: ReadonlyMap<number, ClientBulkWriteErrorDetail>;
      writeConcernErrors: readonly ClientBulkWriteConcernErrorDetail[];
      partialResult: TResult | undefined;
      error?: unknown;
    },
  ) {
    const { writeErrors, writeConcernErrors, error } = fields;
    const firstWriteError = writeErrors.values().next().value;
    const source: { code?: number; codeName?: string; message: string } | undefined =
      error instanceof MongoServerError ? { code: error.code, codeName: error.codeName, message: error.message }
      : error instanceof Error ? { message: error.message }
      : (firstWriteError ?? writeConcernErrors[0]);
    const count = writeErrors.size + writeConcernErrors.length;
    const summary = error !== undefined
      ? `bulkWrite failed: ${source?.message ?? String(error)}`
      : `bulkWrite had ${count} error(s); the first: ${source?.message ?? 'unknown'}`;
    super({ errmsg: summary, code: source?.code, codeName: source?.codeName, errorLabels: error instanceof MongoError ? error.errorLabels : [] });
    this.writeErrors = writeErrors;
    this.writeConcernErrors = writeConcernErrors;
    this.partialResult = fields.partialResult;
    if (error !== undefined) Object.defineProperty(this, 'cause', { value: error, enumerable: false, writable: false });
  }

  /** The top-level error, if one stopped the bulk write. */
  get error(): unknown {
    return this.cause;
  }

  override get name(): string {
    return 'MongoClientBulkWriteError';
  }
}

/** A GridFS upload or download stream could not do what was asked (bad range, aborted, file missing). */
export class MongoGridFSStreamError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoGridFSStreamError';
  }
}

/** GridFS: no files collection document matched the id / filename (and revision) given (gridfs spec "FileNotFound"). */
export class MongoGridFSFileNotFoundError extends MongoGridFSStreamError {
  override get name(): string {
    return 'MongoGridFSFileNotFoundError';
  }
}

/** GridFS download: a chunk is missing, out of order, of the wrong size or not binary data. */
export class MongoGridFSChunkError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoGridFSChunkError';
  }
}

/** An operation used a ClientSession that had already ended (driver-sessions spec). */
export class MongoExpiredSessionError extends MongoAPIError {
  override get name(): string {
    return 'MongoExpiredSessionError';
  }
}

/** A change stream cannot go on (change-streams spec), e.g. an event without the `_id` resume token. */
export class MongoChangeStreamError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoChangeStreamError';
  }
}

/** A transaction API misuse (transactions spec): wrong state, or options a transaction forbids. */
export class MongoTransactionError extends MongoAPIError {
  override get name(): string {
    return 'MongoTransactionError';
  }
}

/** MONGODB-AWS could not obtain credentials or sign its request: the message names the provider or step that failed and why. */
export class MongoAWSError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoAWSError';
  }
}

/** MONGODB-OIDC could not obtain an access token: the message names the callback or environment that failed and why. */
export class MongoOIDCError extends MongoRuntimeError {
  override get name(): string {
    return 'MongoOIDCError';
  }
}
