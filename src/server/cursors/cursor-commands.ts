// getMore and killCursors over the cursor store.
import { Long, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { failGetMoreAfterCheckout } from '../failpoints/fail-command.js';
import { numberValue } from '../failpoints/failpoint.js';
import type { FailPointRegistry } from '../failpoints/failpoint-registry.js';
import type { CursorDocument } from '../storage/raw-document.js';
import type { CommandHandler } from '../types.js';
import { cursorIdKey } from './cursor-id.js';
import type { CursorBatch, MemoryCursorStore, OpenCursor } from './cursor-store.js';

/** mongod's wait for an awaitData getMore without maxTimeMS. */
const DEFAULT_AWAIT_DATA_MS = 1000;
const AWAIT_POLL_MS = 20;
const STREAM_KILL_CHECK_MS = 100;

function collectionField(command: Document, commandName: string, field: string): string {
  const value = command[field];
  if (value === undefined) {
    throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${commandName}.${field}' is missing but a required field`);
  }
  if (typeof value !== 'string') {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type, expected type 'string'`);
  }
  return value;
}

function getMoreBatchSize(command: Document): number | undefined {
  if (command.batchSize === undefined) return undefined;
  const size = numberValue(command.batchSize);
  if (size === undefined || !Number.isInteger(size)) {
    throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'getMore.batchSize' is the wrong type, expected a whole number");
  }
  if (size < 0) throw new CommandError(ErrorCodes.BadValue, `Batch size for getMore must be non-negative, but received: ${size}`);
  return size;
}

function describeId(value: unknown): string {
  return cursorIdKey(value) ?? String(value);
}

export function getMoreCommand(cursors: MemoryCursorStore, failpoints: FailPointRegistry): CommandHandler {
  return {
    name: 'getMore',
    async run(command, context) {
      const id = command.getMore;
      if (cursorIdKey(id) === undefined) {
        throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
      }
      const collection = collectionField(command, 'getMore', 'collection');
      const batchSize = getMoreBatchSize(command);
      const cursor = cursors.find(id);
      if (cursor === undefined) throw new CommandError(ErrorCodes.CursorNotFound, `cursor id ${describeId(id)} not found`);
      const ns = `${context.dbName}.${collection}`;
      if (cursor.ns !== ns) {
        throw new CommandError(
          ErrorCodes.Unauthorized,
          `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`,
        );
      }
      const injected = failGetMoreAfterCheckout(failpoints);
      if (injected !== undefined) {
        // A getMore that fails after checkout destroys the cursor, as on a real server.
        cursors.kill(cursor.id);
        throw cursor.stream?.labelError?.(injected) ?? injected;
      }
      let next = cursors.nextBatch(cursor, batchSize);
      if (next.batch.length === 0 && !next.id.isZero()) {
        if (cursor.stream !== undefined) next = await awaitStream(cursors, cursor, batchSize, awaitTimeMS(command));
        else if (cursor.tail?.awaitData === true) next = await awaitData(cursors, cursor, batchSize, awaitTimeMS(command));
      }
      return { cursor: { nextBatch: next.batch, ...next.fields, id: next.id, ns: cursor.ns } };
    },
  };
}

/** How long an awaitData getMore waits for new documents: its maxTimeMS, else 1 s (as mongod). */
function awaitTimeMS(command: Document): number {
  const given = numberValue(command.maxTimeMS);
  return given === undefined || given <= 0 ? DEFAULT_AWAIT_DATA_MS : given;
}

/** Polls a tailable awaitData cursor until documents arrive, it is killed, or the wait ends. */
async function awaitData(
  cursors: MemoryCursorStore,
  cursor: OpenCursor,
  batchSize: number | undefined,
  waitMS: number,
): Promise<{ batch: CursorDocument[]; id: Long }> {
  const deadline = Date.now() + waitMS;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { batch: [], id: cursor.id };
    await new Promise((resolve) => setTimeout(resolve, Math.min(AWAIT_POLL_MS, remaining)));
    if (cursors.find(cursor.id) !== cursor) {
      throw new CommandError(ErrorCodes.CursorKilled, `cursor id ${describeId(cursor.id)} was killed while awaiting data`);
    }
    const next = cursors.nextBatch(cursor, batchSize);
    if (next.batch.length > 0) return next;
  }
}

/** A stream cursor (change stream) waits for its source to grow: it always awaits data. */
async function awaitStream(cursors: MemoryCursorStore, cursor: OpenCursor, batchSize: number | undefined, waitMS: number): Promise<CursorBatch> {
  const stream = cursor.stream;
  const deadline = Date.now() + waitMS;
  let next: CursorBatch = { batch: [], id: cursor.id, ...(stream !== undefined ? { fields: stream.cursorFields() } : {}) };
  while (stream !== undefined) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    // Wake at least every STREAM_KILL_CHECK_MS to notice a killCursors.
    await stream.waitForMore(Math.min(STREAM_KILL_CHECK_MS, remaining));
    if (cursors.find(cursor.id) !== cursor) {
      throw new CommandError(ErrorCodes.CursorKilled, `cursor id ${describeId(cursor.id)} was killed while awaiting data`);
    }
    next = cursors.nextBatch(cursor, batchSize);
    if (next.batch.length > 0 || next.id.isZero()) break;
  }
  return next;
}

export function killCursorsCommand(cursors: MemoryCursorStore): CommandHandler {
  return {
    name: 'killCursors',
    run(command, context) {
      const collection = collectionField(command, 'killCursors', 'killCursors');
      const ids = command.cursors;
      if (!Array.isArray(ids)) {
        throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'killCursors.cursors' is the wrong type, expected type 'array'");
      }
      const ns = `${context.dbName}.${collection}`;
      const cursorsKilled: Long[] = [];
      const cursorsNotFound: Long[] = [];
      for (const id of ids) {
        const key = cursorIdKey(id);
        if (key === undefined) {
          throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'killCursors.cursors' must contain only cursor ids (long)");
        }
        const cursor = cursors.find(id);
        const asLong = Long.fromBigInt(BigInt(key));
        if (cursor !== undefined && cursor.ns === ns && cursors.kill(id)) cursorsKilled.push(asLong);
        else cursorsNotFound.push(asLong);
      }
      return { cursorsKilled, cursorsNotFound, cursorsAlive: [], cursorsUnknown: [] };
    },
  };
}
