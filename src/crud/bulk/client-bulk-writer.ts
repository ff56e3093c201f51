// Runs Client.bulkWrite (bulk-write spec): one `bulkWrite` command on admin per
// batch (cut with the checked-out connection's limits), each reply's results cursor
// read to the end with getMore on the same server, results merged across batches,
// and write errors, write concern errors and top-level errors raised together as
// MongoClientBulkWriteError.
import { calculateObjectSize, serialize, type Document, type Long } from '../../bson.js';
import { MongoClientBulkWriteError, MongoInvalidArgumentError } from '../../errors.js';
import { newOperationId } from '../../monitoring/command-events.js';
import type { SerializedDocumentSequence } from '../../wire/types.js';
import { isUnacknowledged } from '../concerns.js';
import type { Executed, Executor } from '../executor.js';
import { isZeroCursorId, readCursorResponse, ZERO_CURSOR_ID, type CursorResponse } from '../operations/cursor-response.js';
import { GetMoreOperation, KillCursorsOperation } from '../operations/get-more.js';
import { setIfDefined, type ExecutionContext, type Operation, type OperationCapabilities, type OperationInheritance } from '../operations/operation.js';
import { opsSequence, takeClientBatch, type ClientBatch, type ClientBatchLimits } from './client-bulk-batches.js';
import { toClientOps, type ClientBulkWriteModel, type ClientOp } from './client-bulk-models.js';
import { ClientBulkWriteAccumulator, unacknowledgedResult, type ClientBulkWriteResult } from './client-bulk-result.js';

export interface ClientBulkWriteOptions {
  /** Default true: stop at the first failed write. */
  ordered?: boolean;
  bypassDocumentValidation?: boolean;
  comment?: unknown;
  let?: Document;
  /** Default false: report only counts (and errors), not each op's result. */
  verboseResults?: boolean;
  session?: unknown;
}

/** Used only if a connection has no handshake description (never for a checked-out one). */
const DEFAULT_LIMITS: ClientBatchLimits = { maxWriteBatchSize: 100_000, maxMessageSizeBytes: 48_000_000 };

const BULK_CAPS = { kind: 'write', createsCursor: true, mustUseSameServer: false, readPreferenceAllowed: false, usesReadConcern: false, usesWriteConcern: true, ownsWriteConcernErrors: true } as const;
const CLIENT_BULK_WRITE: OperationCapabilities = Object.freeze({ ...BULK_CAPS, retryable: true });
const CLIENT_BULK_WRITE_NOT_RETRYABLE: OperationCapabilities = Object.freeze({ ...BULK_CAPS, retryable: false });

/** The cursor's collection on admin: its ns is 'admin.$cmd.bulkWrite'. */
const RESULTS_COLLECTION = '$cmd.bulkWrite';

/** One `bulkWrite` command. Its batch is cut on the first attempt, so a retry resends exactly it. */
class ClientBulkWriteBatchOperation implements Operation<CursorResponse> {
  readonly commandName = 'bulkWrite';
  readonly dbName = 'admin';
  readonly writeConcern?: Document;
  readonly session?: unknown;
  batch: ClientBatch | undefined;

  constructor(
    private readonly ops: readonly ClientOp[],
    private readonly start: number,
    private readonly command: Document,
    private readonly commandBytes: number,
    inherited: OperationInheritance,
    private readonly limitsOverride: ClientBatchLimits | undefined,
  ) {
    this.writeConcern = inherited.writeConcern;
    this.session = inherited.session;
  }

  get capabilities(): OperationCapabilities {
    return this.batch === undefined || this.batch.retryable ? CLIENT_BULK_WRITE : CLIENT_BULK_WRITE_NOT_RETRYABLE;
  }

  private batchFor(context: ExecutionContext): ClientBatch {
    this.batch ??= takeClientBatch(this.ops, this.start, this.limitsOverride ?? context.connection.description ?? DEFAULT_LIMITS, this.commandBytes);
    return this.batch;
  }

  buildCommand(context: ExecutionContext): Document {
    this.batchFor(context);
    return { ...this.command };
  }

  sequences(context: ExecutionContext): SerializedDocumentSequence[] {
    const batch = this.batchFor(context);
    return [
      { identifier: 'ops', serialized: opsSequence(batch) },
      { identifier: 'nsInfo', serialized: batch.namespaces.map((ns) => serialize({ ns })) },
    ];
  }

  handleReply(reply: Document): CursorResponse {
    // Sent with moreToCome, an unacknowledged batch has no results cursor to read.
    if (isUnacknowledged(this.writeConcern)) return { id: ZERO_CURSOR_ID, ns: '', batch: [], reply };
    return readCursorResponse(reply, 'firstBatch');
  }
}

/** The command document without ops and nsInfo (the spec's option order). */
function commandBody(options: ClientBulkWriteOptions, ordered: boolean, verbose: boolean): Document {
  const body: Document = { bulkWrite: 1, errorsOnly: !verbose, ordered };
  setIfDefined(body, 'bypassDocumentValidation', options.bypassDocumentValidation);
  setIfDefined(body, 'comment', options.comment);
  setIfDefined(body, 'let', options.let);
  return body;
}

/** Reads one batch's reply: its counts, then its results cursor to the end. */
async function readBatchResults(
  executor: Executor,
  executed: Executed<CursorResponse>,
  batch: ClientBatch,
  results: ClientBulkWriteAccumulator,
  ordered: boolean,
  session: unknown,
): Promise<void> {
  const first = executed.result;
  results.beginBatch(first.reply);
  try {
    for (const entry of first.batch) results.addEntry(entry, batch);
    let id: Long = first.id;
    const sameServer = { server: executed.server, connection: executed.connection, operationId: executed.operationId };
    try {
      while (!isZeroCursorId(id)) {
        const more = await executor.execute(new GetMoreOperation('admin', RESULTS_COLLECTION, id, {}, session), sameServer);
        id = more.id;
        for (const entry of more.batch) results.addEntry(entry, batch);
      }
    } catch (error) {
      // The spec asks us to close a cursor a top-level error left open; the error that
      // stopped us is what the caller needs, so a failed killCursors is not reported over it.
      if (!isZeroCursorId(id)) {
        await executor.execute(new KillCursorsOperation('admin', RESULTS_COLLECTION, [id], session), sameServer).catch(() => undefined);
      }
      throw error;
    }
  } finally {
    // Also after a failed getMore: what was read counts toward partialResult.
    results.endBatch(batch, ordered);
  }
}

/** For tests: fixed batch limits instead of the connection's. */
export interface ClientBulkWriteInternals {
  readonly limits?: ClientBatchLimits;
}

export async function runClientBulkWrite(
  executor: Executor,
  models: readonly ClientBulkWriteModel[],
  options: ClientBulkWriteOptions | undefined,
  inherited: OperationInheritance,
  internals: ClientBulkWriteInternals = {},
): Promise<ClientBulkWriteResult> {
  if (!Array.isArray(models) || models.length === 0) throw new MongoInvalidArgumentError('client bulkWrite needs at least one write model');
  const opts = options ?? {};
  const ordered = opts.ordered !== false;
  const verbose = opts.verboseResults === true;
  const acknowledged = !isUnacknowledged(inherited.writeConcern);
  if (!acknowledged && verbose) throw new MongoInvalidArgumentError('Cannot request unacknowledged write concern and verbose results');
  if (!acknowledged && ordered) throw new MongoInvalidArgumentError('Cannot request unacknowledged write concern and ordered writes');
  const ops = toClientOps(models);
  const command = commandBody(opts, ordered, verbose);
  const commandBytes = calculateObjectSize(command);
  const results = new ClientBulkWriteAccumulator(verbose);
  const operationId = newOperationId();

  const fail = (error?: unknown): MongoClientBulkWriteError<ClientBulkWriteResult> =>
    new MongoClientBulkWriteError({
      writeErrors: results.writeErrors,
      writeConcernErrors: results.writeConcernErrors,
      partialResult: results.anySucceeded ? results.result : undefined,
      error,
    });

  for (let start = 0; start < ops.length; ) {
    const op = new ClientBulkWriteBatchOperation(ops, start, command, commandBytes, inherited, internals.limits);
    try {
      const executed = await executor.executeWithContext(op, { operationId, pinConnection: executor.settings.target.topologyType === 'LoadBalanced', keepSession: true });
      try {
        const batch = op.batch;
        if (batch === undefined) break;
        start += batch.ops.length;
        // The results cursor's getMores run in the session that opened it (implicit or not).
        if (acknowledged) await readBatchResults(executor, executed, batch, results, ordered, executed.session ?? inherited.session);
      } finally {
        if (executed.connection !== undefined) executed.server.checkIn(executed.connection);
        if (inherited.session === undefined) executor.releaseSession(executed.session);
      }
    } catch (error) {
      // A top-level error with nothing observed yet is thrown as is (the spec allows it).
      if (results.writeErrors.size === 0 && results.writeConcernErrors.length === 0 && !results.anySucceeded) throw error;
      throw fail(error);
    }
    if (ordered && results.writeErrors.size > 0) break;
  }
  if (!acknowledged) return unacknowledgedResult();
  if (results.writeErrors.size > 0 || results.writeConcernErrors.length > 0) throw fail();
  return results.result;
}
