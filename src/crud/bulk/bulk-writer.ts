// Runs a bulk write: one write command per batch (sized with the connection's own
// limits when the batch is first built), results merged, errors mapped to the
// caller's operation indexes and raised together as MongoBulkWriteError; a top-level
// error that stops it is raised as the MongoBulkWriteError's cause, with the partial result.
import type { Document } from '../../bson.js';
import { MongoBulkWriteError, MongoEmptyBulkWriteError } from '../../errors.js';
import type { SerializedDocumentSequence } from '../../wire/types.js';
import { isUnacknowledged } from '../concerns.js';
import type { Executor } from '../executor.js';
import { newOperationId } from '../../monitoring/command-events.js';
import { BULK_WRITE, BULK_WRITE_NOT_RETRYABLE, setIfDefined, type ExecutionContext, type Operation, type OperationCapabilities, type OperationInheritance } from '../operations/operation.js';
import { groupByKind, takeBatch, type Batch, type Statement, type StatementKind } from './batches.js';
import { toStatements, type AnyBulkWriteOperation } from './models.js';
import { emptyResult, mergeBatchReply, type BulkWriteResult } from './result.js';

export interface BulkWriteOptions {
  ordered?: boolean;
  bypassDocumentValidation?: boolean;
  comment?: unknown;
  let?: Document;
  session?: unknown;
}

/** Used only if a connection has no handshake description (never for a checked-out one). */
const DEFAULT_LIMITS = { maxWriteBatchSize: 100_000, maxBsonObjectSize: 16 * 1024 * 1024, maxMessageSizeBytes: 48_000_000 };

const COMMAND: Record<StatementKind, string> = { insert: 'insert', update: 'update', delete: 'delete' };
const SEQUENCE: Record<StatementKind, string> = { insert: 'documents', update: 'updates', delete: 'deletes' };

/** One batch as a write command. The batch is fixed on the first attempt so a retry resends exactly it. */
class BatchWriteOperation implements Operation<Document> {
  readonly commandName: string;
  readonly writeConcern?: Document;
  readonly session?: unknown;
  batch: Batch | undefined;

  constructor(
    readonly dbName: string,
    private readonly collectionName: string,
    private readonly statements: readonly Statement[],
    private readonly start: number,
    private readonly options: BulkWriteOptions,
    inherited: OperationInheritance,
  ) {
    const first = statements[start];
    this.commandName = COMMAND[first.kind];
    this.writeConcern = inherited.writeConcern;
    this.session = inherited.session;
  }

  /** Retryable unless the batch (once cut) holds a multi-document statement. */
  get capabilities(): OperationCapabilities {
    const batch = this.batch;
    return batch === undefined || batch.retryable ? BULK_WRITE : BULK_WRITE_NOT_RETRYABLE;
  }

  private batchFor(context: ExecutionContext): Batch {
    if (this.batch === undefined) this.batch = takeBatch(this.statements, this.start, context.connection.description ?? DEFAULT_LIMITS);
    return this.batch;
  }

  buildCommand(context: ExecutionContext): Document {
    const batch = this.batchFor(context);
    const body: Document = { [COMMAND[batch.kind]]: this.collectionName, ordered: this.options.ordered !== false };
    setIfDefined(body, 'bypassDocumentValidation', this.options.bypassDocumentValidation);
    setIfDefined(body, 'comment', this.options.comment);
    setIfDefined(body, 'let', this.options.let);
    return body;
  }

  sequences(context: ExecutionContext): SerializedDocumentSequence[] {
    const batch = this.batchFor(context);
    return [{ identifier: SEQUENCE[batch.kind], serialized: batch.statements.map((s) => s.bytes) }];
  }

  handleReply(reply: Document): Document {
    return reply;
  }
}

export async function runBulkWrite(
  executor: Executor,
  dbName: string,
  collectionName: string,
  models: readonly AnyBulkWriteOperation[],
  options: BulkWriteOptions | undefined,
  inherited: OperationInheritance,
): Promise<BulkWriteResult> {
  if (!Array.isArray(models) || models.length === 0) throw new MongoEmptyBulkWriteError('bulk write needs at least one operation');
  const opts = options ?? {};
  const ordered = opts.ordered !== false;
  const allIds: Record<number, unknown> = {};
  const statements = toStatements(models, allIds);
  const list = ordered ? statements : groupByKind(statements);
  const acknowledged = !isUnacknowledged(inherited.writeConcern);
  const result = emptyResult(acknowledged);
  const writeErrors: Document[] = [];
  const writeConcernErrors: Document[] = [];
  const labels = new Set<string>();
  const operationId = newOperationId();

  for (let start = 0; start < list.length; ) {
    const op = new BatchWriteOperation(dbName, collectionName, list, start, opts, inherited);
    let reply: Document;
    try {
      reply = await executor.execute(op, { operationId });
    } catch (error) {
      // A top-level error stops the bulk write; what earlier batches did is not lost (retryable-writes.md
      // encourages the intermediary result on the bulk write's error).
      if (!acknowledged) throw error;
      throw new MongoBulkWriteError(writeErrors, writeConcernErrors, result, [...labels], error);
    }
    const batch = op.batch;
    if (batch === undefined) break;
    start += batch.statements.length;
    const errors = mergeBatchReply(result, batch, reply, allIds, ordered);
    writeErrors.push(...errors);
    if (reply.writeConcernError !== undefined) writeConcernErrors.push(reply.writeConcernError as Document);
    if (Array.isArray(reply.errorLabels)) for (const l of reply.errorLabels) if (typeof l === 'string') labels.add(l);
    if (ordered && errors.length > 0) break;
  }
  if (!acknowledged) return emptyResult(false);
  if (writeErrors.length > 0 || writeConcernErrors.length > 0) {
    throw new MongoBulkWriteError(writeErrors, writeConcernErrors, result, [...labels]);
  }
  return result;
}
