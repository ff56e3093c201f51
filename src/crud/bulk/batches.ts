// Splitting a bulk write into write commands: runs of one kind (insert, update,
// delete), each within maxWriteBatchSize statements and maxMessageSizeBytes of
// OP_MSG document sequence. Statements are serialized once, here, and sent as is.
import { MongoInvalidArgumentError } from '../../errors.js';

export type StatementKind = 'insert' | 'update' | 'delete';

export interface Statement {
  readonly kind: StatementKind;
  /** The caller's index of the operation (for insertedIds, upsertedIds and writeErrors). */
  readonly index: number;
  /** The statement's BSON: the document for inserts, { q, u, … } / { q, limit, … } otherwise. */
  readonly bytes: Uint8Array;
  /** A multi-document update/delete makes its batch non-retryable. */
  readonly multi: boolean;
}

export interface Batch {
  readonly kind: StatementKind;
  readonly statements: readonly Statement[];
  readonly retryable: boolean;
}

export interface BatchLimits {
  readonly maxWriteBatchSize: number;
  readonly maxBsonObjectSize: number;
  readonly maxMessageSizeBytes: number;
}

/** Room for the message header, the command body and the section headers. */
export const MESSAGE_OVERHEAD_BYTES = 1000;
/** A statement may exceed maxBsonObjectSize by this much: the write command's own fields (server_write_commands). */
export const COMMAND_OVERHEAD_BYTES = 16 * 1024;

/** Rejects a statement the server could never accept, naming the operation. */
export function checkStatementSize(statement: Statement, limits: BatchLimits): void {
  const max = statement.kind === 'insert' ? limits.maxBsonObjectSize : limits.maxBsonObjectSize + COMMAND_OVERHEAD_BYTES;
  if (statement.bytes.byteLength > max) {
    throw new MongoInvalidArgumentError(
      `operation ${statement.index} (${statement.kind}) is ${statement.bytes.byteLength} bytes, over the server's limit of ${max} bytes`,
    );
  }
}

/** Unordered writes may be regrouped by kind (first-seen order of kinds, stable within a kind). */
export function groupByKind(statements: readonly Statement[]): Statement[] {
  const order: StatementKind[] = [];
  const groups = new Map<StatementKind, Statement[]>();
  for (const s of statements) {
    let group = groups.get(s.kind);
    if (group === undefined) {
      group = [];
      groups.set(s.kind, group);
      order.push(s.kind);
    }
    group.push(s);
  }
  return order.flatMap((kind) => groups.get(kind) ?? []);
}

/** The next batch starting at `start`: one kind, within the count and size limits, never empty. */
export function takeBatch(statements: readonly Statement[], start: number, limits: BatchLimits): Batch {
  const first = statements[start];
  if (first === undefined) throw new MongoInvalidArgumentError('no statements left to batch');
  checkStatementSize(first, limits);
  const maxBytes = limits.maxMessageSizeBytes - MESSAGE_OVERHEAD_BYTES;
  let bytes = first.bytes.byteLength;
  let retryable = !first.multi;
  let end = start + 1;
  while (end < statements.length && end - start < limits.maxWriteBatchSize) {
    const next = statements[end];
    if (next.kind !== first.kind) break;
    if (bytes + next.bytes.byteLength > maxBytes) break;
    checkStatementSize(next, limits);
    bytes += next.bytes.byteLength;
    if (next.multi) retryable = false;
    end++;
  }
  return { kind: first.kind, statements: statements.slice(start, end), retryable };
}

/** All batches at once (the bulk writer takes them one at a time, with each server's limits). */
export function splitBatches(statements: readonly Statement[], ordered: boolean, limits: BatchLimits): Batch[] {
  const list = ordered ? statements : groupByKind(statements);
  const batches: Batch[] = [];
  for (let start = 0; start < list.length; ) {
    const batch = takeBatch(list, start, limits);
    batches.push(batch);
    start += batch.statements.length;
  }
  return batches;
}
