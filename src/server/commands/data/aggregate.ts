// aggregate: on a collection, or database-level (`aggregate: 1`) with $documents.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isChangeStreamPipeline, openChangeStream } from '../../change-streams/open-change-stream.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../../query/bson-types.js';
import { runPipeline } from '../../query/aggregate.js';
import { readableCollection } from '../../query/views.js';
import { DEFAULT_FIRST_BATCH_SIZE } from '../../cursors/batch.js';
import { copyDocument } from '../../storage/values.js';
import type { CommandContext, CommandHandler } from '../../types.js';
import { collStatsDocument } from '../admin/coll-stats.js';
import { checkHint, cursorOptions, letVariables, requiredArray, truthy } from './common.js';

export interface AggregatePlan {
  ns: string;
  pipeline: Document[];
  documents: Document[];
}

export function runAggregate(command: Document, context: CommandContext): AggregatePlan {
  const target: unknown = command.aggregate;
  const stages = requiredArray(command, 'aggregate', 'pipeline') as Document[];
  if (isPlainDocument(stages[0]) && '$changeStream' in stages[0]) throw new CommandError(40573, 'The $changeStream stage is only supported on replica sets');
  const variables = letVariables(command, 'aggregate');
  const collation = command.collation;
  const env = { storage: context.server.storage, dbName: context.dbName, ...(variables ? { variables } : {}) };
  if (typeof target === 'string') {
    const collection = readableCollection(context.server.storage, context.dbName, target);
    checkHint(collection, command.hint);
    const collationOf = { collation: collation ?? collection?.options.collation };
    const stats = isPlainDocument(stages[0]) && '$collStats' in stages[0] ? [collStatsDocument(collection, `${context.dbName}.${target}`, stages[0].$collStats)] : undefined;
    const source = stats ?? (collection ? collection.documents() : []);
    return { ns: `${context.dbName}.${target}`, pipeline: stages, documents: runPipeline(source, stats ? stages.slice(1) : stages, { ...env, ...collationOf, indexes: collection?.indexes() ?? [], ns: `${context.dbName}.${target}` }).map(copyDocument) };
  }
  if (bsonTypeOf(target) === 'int' || bsonTypeOf(target) === 'double' || bsonTypeOf(target) === 'long') {
    if (toNumber(target) !== 1) throw new CommandError(ErrorCodes.FailedToParse, "Invalid parameter: 'aggregate' must be 1 for database-level aggregation");
    const first = stages[0];
    if (!isPlainDocument(first) || !('$documents' in first || '$currentOp' in first || '$listLocalSessions' in first || '$changeStream' in first)) {
      throw new CommandError(ErrorCodes.InvalidNamespace, "{aggregate: 1} is not valid for '$match'; a collection is required.");
    }
    const sessions = '$listLocalSessions' in first ? (context.server.localSessions?.list() ?? []) : undefined;
    return { ns: `${context.dbName}.$cmd.aggregate`, pipeline: stages, documents: runPipeline(sessions ?? [], sessions ? stages.slice(1) : stages, { ...env, collation }).map(copyDocument) };
  }
  throw new CommandError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${bsonTypeOf(target)}`);
}

function firstBatchSize(command: Document): number | undefined {
  const cursorSpec = command.cursor as Document;
  const batchSize = cursorSpec.batchSize === undefined ? undefined : toNumber(cursorSpec.batchSize);
  if (batchSize !== undefined && (!Number.isFinite(batchSize) || batchSize < 0)) {
    throw new CommandError(51024, `BSON field 'batchSize' value must be >= 0, actual value '${String(batchSize)}'`);
  }
  return batchSize;
}

/** aggregate with a first stage $changeStream: a tailable, awaitData change-stream cursor. */
function changeStreamReply(command: Document, context: CommandContext): Document {
  const variables = letVariables(command, 'aggregate');
  const env = { storage: context.server.storage, dbName: context.dbName, ...(variables ? { variables } : {}), collation: command.collation };
  const { ns, cursor: stream } = openChangeStream(command, context, env);
  const batchSize = firstBatchSize(command);
  const cursor = context.server.cursors.open([], {
    ...cursorOptions(command, context, ns),
    ...(batchSize !== undefined ? { batchSize } : {}),
    defaultBatchSize: DEFAULT_FIRST_BATCH_SIZE,
    stream,
  });
  return { cursor, ok: 1 };
}

export const aggregateHandler: CommandHandler = {
  name: 'aggregate',
  run(command, context) {
    const explain = truthy(command.explain);
    if (!explain && !isPlainDocument(command.cursor)) {
      throw new CommandError(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
    }
    if (isChangeStreamPipeline(command.pipeline)) {
      if (!explain) return changeStreamReply(command, context);
      // Explaining checks the stream as opening it would, then describes the stages.
      openChangeStream(command, context, { storage: context.server.storage, dbName: context.dbName });
      return { explainVersion: '1', stages: (command.pipeline as Document[]).map((s) => ({ ...s })), command: { ...command }, ok: 1 };
    }
    const plan = runAggregate(command, context);
    if (explain) {
      return { explainVersion: '1', stages: plan.pipeline.map((s) => ({ ...s })), command: { ...command }, ok: 1 };
    }
    const batchSize = firstBatchSize(command);
    const cursor = context.server.cursors.open(plan.documents, {
      ...cursorOptions(command, context, plan.ns),
      ...(batchSize !== undefined ? { batchSize } : {}),
      defaultBatchSize: DEFAULT_FIRST_BATCH_SIZE,
    });
    return { cursor, ok: 1 };
  },
};
