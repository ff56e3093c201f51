// aggregate with a first stage $changeStream: checks the stage and the stages
// after it, finds where the stream starts (resumeAfter / startAfter /
// startAtOperationTime, else now) and opens a change-stream cursor.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from '../query/bson-types.js';
import { runPipeline, type AggregateEnv } from '../query/aggregate.js';
import type { CommandContext } from '../types.js';
import type { ChangeLog } from './change-log.js';
import { ChangeStreamCursor, type StreamStart } from './change-stream-cursor.js';
import type { ResumePoint } from './resume-token.js';
import { cursorNamespace, invalidates, scopeOf, sees, type StreamScope } from './stream-scope.js';
import { checkSplitStage } from './split-large-event.js';
import { parseChangeStreamSpec, type ChangeStreamSpec } from './stream-spec.js';

/**
 * Stages mongod knows but refuses after $changeStream: only $match, $project, $addFields,
 * $set, $unset, $replaceRoot, $replaceWith and $redact may follow (unknown names fail as unrecognized).
 */
const REFUSED_STAGES = new Set(['$group', '$sort', '$limit', '$skip', '$unwind', '$lookup', '$count', '$facet', '$out', '$merge', '$sortByCount', '$sample', '$bucket', '$bucketAuto', '$graphLookup', '$unionWith', '$densify', '$fill', '$setWindowFields', '$documents', '$collStats', '$indexStats', '$currentOp', '$listSessions', '$listLocalSessions', '$geoNear']);

export function isChangeStreamPipeline(pipeline: unknown): boolean {
  return Array.isArray(pipeline) && isPlainDocument(pipeline[0]) && '$changeStream' in pipeline[0];
}

function checkStages(stages: Document[], env: AggregateEnv): void {
  for (const stage of stages) {
    const name = isPlainDocument(stage) ? Object.keys(stage)[0] : undefined;
    if (name === '$changeStream') throw new CommandError(40602, '$changeStream is only valid as the first stage in a pipeline');
    if (name !== undefined && REFUSED_STAGES.has(name)) {
      throw new CommandError(ErrorCodes.IllegalOperation, `${name} is not permitted in a $changeStream pipeline`);
    }
  }
  // Parses every stage (unknown names, malformed specifications) before any event exists.
  runPipeline([], stages, env);
}

function splitRequired(): CommandError {
  return new CommandError(ErrorCodes.ChangeStreamFatalError, 'To resume from a split event, the $changeStream pipeline must end with a $changeStreamSplitLargeEvent stage', { errorLabels: ['NonResumableChangeStreamError'] });
}

function notFound(): CommandError {
  return new CommandError(ErrorCodes.ChangeStreamFatalError, 'cannot resume stream; the resume token was not found.', { errorLabels: ['NonResumableChangeStreamError'] });
}

function historyLost(): CommandError {
  return new CommandError(ErrorCodes.ChangeStreamHistoryLost, 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.', { errorLabels: ['NonResumableChangeStreamError'] });
}

/** Where a stream resuming from `point` starts reading. */
function resumeStart(log: ChangeLog, point: ResumePoint, option: 'resumeAfter' | 'startAfter', scope: StreamScope, spec: ChangeStreamSpec): StreamStart {
  if (point.kind === 'invalidate' && option === 'resumeAfter') {
    throw new CommandError(ErrorCodes.InvalidResumeToken, "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification.");
  }
  if (point.position > log.endPosition) throw notFound();
  if (point.kind === 'highWaterMark') {
    if (point.position < log.startPosition) throw historyLost();
    return { position: point.position };
  }
  const entry = log.entryAt(point.position);
  if (entry === undefined) {
    if (point.position < log.startPosition) throw historyLost();
    throw notFound();
  }
  if (!entry.clusterTime.equals(point.clusterTime)) throw notFound();
  // A fragment's token resumes inside its event: the event is produced again and its earlier fragments skipped.
  if (point.fragment !== undefined) return { position: point.position, skipFragments: point.fragment + 1 };
  if (point.kind === 'event' && sees(scope, spec, entry) && invalidates(scope, entry)) {
    return { position: point.position + 1, pendingInvalidate: entry };
  }
  return { position: point.position + 1 };
}

function streamStart(log: ChangeLog, spec: ChangeStreamSpec, scope: StreamScope): StreamStart {
  if (spec.resumeAfter !== undefined) return resumeStart(log, spec.resumeAfter, 'resumeAfter', scope, spec);
  if (spec.startAfter !== undefined) return resumeStart(log, spec.startAfter, 'startAfter', scope, spec);
  const startAt = spec.startAtOperationTime;
  if (startAt === undefined) return { position: log.endPosition };
  const oldest = log.oldestTime();
  if (log.hasTrimmed && (oldest === undefined || startAt.lessThan(oldest))) throw historyLost();
  return { position: log.firstPositionAtOrAfter(startAt), notBefore: startAt };
}

export interface OpenedChangeStream {
  readonly ns: string;
  readonly cursor: ChangeStreamCursor;
}

/** Opens the stream `command` asks for (40573 on a standalone, as mongod). */
export function openChangeStream(command: Document, context: CommandContext, env: AggregateEnv): OpenedChangeStream {
  if (command.autocommit !== undefined) {
    throw new CommandError(ErrorCodes.OperationNotSupportedInTransaction, 'Operation not permitted in transaction :: caused by :: $changeStream cannot run in a multi-document transaction');
  }
  const recorder = context.server.storage.changes;
  if (recorder === undefined) throw new CommandError(40573, 'The $changeStream stage is only supported on replica sets');
  const pipeline = command.pipeline as Document[];
  const spec = parseChangeStreamSpec((pipeline[0] as Document).$changeStream);
  const scope = scopeOf(command, context.dbName, spec, context.server.storage);
  const split = checkSplitStage(pipeline.slice(1));
  const stages = split ? pipeline.slice(1, -1) : pipeline.slice(1);
  checkStages(stages, env);
  const start = streamStart(recorder.log, spec, scope);
  if (start.skipFragments !== undefined && !split) throw splitRequired();
  return { ns: cursorNamespace(scope), cursor: new ChangeStreamCursor(recorder.log, scope, spec, stages, env, start, split) };
}
