// Snapshot reads: find, aggregate and distinct with readConcern { level:
// "snapshot", atClusterTime? } outside a transaction (mongod 5.0+). The read
// runs against the data as of one cluster time (the current one when none is
// given) and reports it: cursor.atClusterTime for find and aggregate, a
// top-level atClusterTime for distinct. Cursors hold their whole result from
// the start, so getMore keeps reading the same snapshot.
import { Timestamp, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { CommandContext } from '../types.js';
import { entriesAfter } from './collection-as-of.js';
import { SnapshotStorage } from './snapshot-storage.js';

/** mongod's minSnapshotHistoryWindowInSeconds default: how far back a snapshot read may look. */
export const SNAPSHOT_HISTORY_WINDOW_SECONDS = 300;

/** The part of the replica set's logical clock snapshot reads need. */
export interface SnapshotClock {
  current(): Timestamp;
}

function format(time: Timestamp): string {
  return `Timestamp(${time.t}, ${time.i})`;
}

function writesData(body: Document): boolean {
  if (!Array.isArray(body.pipeline)) return false;
  return body.pipeline.some((stage: unknown) => isPlainDocument(stage) && ('$out' in stage || '$merge' in stage));
}

/**
 * The cluster time a snapshot read reads at: the requested atClusterTime
 * (checked against the clock and the history kept), else the current time.
 */
function readTime(readConcern: Document, clock: SnapshotClock, oldestKept: Timestamp): Timestamp {
  const now = clock.current();
  const requested: unknown = readConcern.atClusterTime;
  if (requested === undefined) return now;
  if (!(requested instanceof Timestamp)) {
    throw new CommandError(ErrorCodes.TypeMismatch, "BSON field 'readConcern.atClusterTime' is the wrong type, expected type 'timestamp'");
  }
  if (readConcern.afterClusterTime !== undefined) {
    throw new CommandError(ErrorCodes.InvalidOptions, 'Specifying both atClusterTime and afterClusterTime is not allowed');
  }
  if (requested.isZero()) throw new CommandError(ErrorCodes.InvalidOptions, 'readConcern atClusterTime value must not be a null timestamp');
  // mongod refuses to read in the future rather than waiting for it.
  if (now.lessThan(requested)) {
    throw new CommandError(
      ErrorCodes.InvalidOptions,
      `readConcern snapshot value must not be greater than the current clusterTime. Requested clusterTime: ${format(requested)}; current clusterTime: ${format(now)}`,
    );
  }
  if (requested.lessThan(oldestKept)) {
    throw new CommandError(ErrorCodes.SnapshotTooOld, `Read timestamp ${format(requested)} is older than the oldest available timestamp.`);
  }
  return requested;
}

/** The oldest time whose data can still be rebuilt: the log's start, what it has trimmed, the history window. */
function oldestKept(log: { startTime: Timestamp; hasTrimmed: boolean; oldestTime(): Timestamp | undefined }, now: Timestamp): Timestamp {
  const candidates = [log.startTime, new Timestamp({ t: Math.max(0, now.t - SNAPSHOT_HISTORY_WINDOW_SECONDS), i: 0 })];
  const trimmedTo = log.hasTrimmed ? log.oldestTime() : undefined;
  if (trimmedTo !== undefined) candidates.push(trimmedTo);
  return candidates.reduce((latest, time) => (latest.lessThan(time) ? time : latest));
}

function withAtClusterTime(reply: Document, commandName: string, at: Timestamp): Document {
  if (commandName === 'distinct') reply.atClusterTime = at;
  else if (isPlainDocument(reply.cursor)) reply.cursor.atClusterTime = at;
  return reply;
}

/**
 * Runs `run` as a snapshot read when the command asks for one outside a
 * transaction (generic-arguments already limited that to find, aggregate and
 * distinct on a replica set); otherwise runs it unchanged.
 */
export async function runSnapshotRead(
  commandName: string,
  body: Document,
  context: CommandContext,
  clock: SnapshotClock,
  run: (context: CommandContext) => Document | Promise<Document>,
): Promise<Document> {
  const readConcern = body.readConcern;
  const log = context.server.storage.changes?.log;
  if (body.autocommit !== undefined || !isPlainDocument(readConcern) || readConcern.level !== 'snapshot' || log === undefined) return run(context);
  if (writesData(body)) throw new CommandError(ErrorCodes.InvalidOptions, '$out and $merge cannot be used with readConcern level "snapshot" outside a transaction');
  const at = readTime(readConcern, clock, oldestKept(log, clock.current()));
  const storage = new SnapshotStorage(context.server.storage, entriesAfter(log, at));
  const reply = await run({ ...context, server: { ...context.server, storage } });
  return withAtClusterTime(reply, commandName, at);
}
