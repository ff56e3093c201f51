// Cutting Client.bulkWrite ops into `bulkWrite` commands (bulk-write spec, "Command
// Batching"): each batch within maxWriteBatchSize ops, and its command document plus
// the ops and nsInfo document sequences within maxMessageSizeBytes less the spec's
// 1000-byte allowance for the message header and the command-agnostic fields.
import { calculateObjectSize } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { patchNamespaceIndex, type ClientOp } from './client-bulk-models.js';

export interface ClientBatchLimits {
  readonly maxWriteBatchSize: number;
  readonly maxMessageSizeBytes: number;
}

/** Room for the OP_MSG header and the fields the executor adds (lsid, txnNumber, $clusterTime, …). */
export const CLIENT_BULK_MESSAGE_OVERHEAD_BYTES = 1000;

export interface ClientBatch {
  /** The ops of this batch, in the caller's order. */
  readonly ops: readonly ClientOp[];
  /** The batch's nsInfo: only the namespaces its ops use, each once. */
  readonly namespaces: readonly string[];
  /** Each op's position in `namespaces`. */
  readonly nsIndexes: readonly number[];
  /** False when an op is multi-document (retryable writes exclude those). */
  readonly retryable: boolean;
}

function nsInfoSize(namespace: string): number {
  return calculateObjectSize({ ns: namespace });
}

/**
 * The next batch starting at `start`, never empty. `commandBytes` is the size of the
 * command document without ops and nsInfo (its options count against the limit).
 */
export function takeClientBatch(ops: readonly ClientOp[], start: number, limits: ClientBatchLimits, commandBytes: number): ClientBatch {
  const maxBytes = limits.maxMessageSizeBytes - (CLIENT_BULK_MESSAGE_OVERHEAD_BYTES + commandBytes);
  const positions = new Map<string, number>();
  const namespaces: string[] = [];
  const nsIndexes: number[] = [];
  let bytes = 0;
  let retryable = true;
  let end = start;
  while (end < ops.length && end - start < limits.maxWriteBatchSize) {
    const op = ops[end];
    const known = positions.get(op.namespace);
    const added = op.bytes.byteLength + (known === undefined ? nsInfoSize(op.namespace) : 0);
    if (bytes + added > maxBytes) break;
    bytes += added;
    if (known === undefined) {
      positions.set(op.namespace, namespaces.length);
      nsIndexes.push(namespaces.length);
      namespaces.push(op.namespace);
    } else {
      nsIndexes.push(known);
    }
    if (op.multi) retryable = false;
    end++;
  }
  if (end === start) {
    const op = ops[start];
    if (op === undefined) throw new MongoInvalidArgumentError('no bulkWrite operations left to batch');
    throw new MongoInvalidArgumentError(
      `model ${op.index} (${op.kind}) is ${op.bytes.byteLength} bytes: with its namespace it does not fit in one bulkWrite command of at most ${maxBytes} bytes (maxMessageSizeBytes ${limits.maxMessageSizeBytes})`,
    );
  }
  return { ops: ops.slice(start, end), namespaces, nsIndexes, retryable };
}

/** The batch's ops bytes, each with its nsInfo index written in (idempotent, for retries). */
export function opsSequence(batch: ClientBatch): Uint8Array[] {
  return batch.ops.map((op, i) => {
    patchNamespaceIndex(op.bytes, batch.nsIndexes[i] ?? 0);
    return op.bytes;
  });
}

/** All batches at once (for tests and planning; the writer cuts them one at a time). */
export function splitClientBatches(ops: readonly ClientOp[], limits: ClientBatchLimits, commandBytes: number): ClientBatch[] {
  const batches: ClientBatch[] = [];
  for (let start = 0; start < ops.length; ) {
    const batch = takeClientBatch(ops, start, limits, commandBytes);
    batches.push(batch);
    start += batch.ops.length;
  }
  return batches;
}
