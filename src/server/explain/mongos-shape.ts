// explain through a mongos: the shard's explain nested under the router's, as mongos 7/8 reports
// it for an unsharded collection (one shard, stage SINGLE_SHARD; aggregate: shards.<name>.stages).
import type { Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { CommandContext } from '../types.js';

interface ShardIdentity {
  readonly shardName: string;
  readonly connectionString: string;
}

/** The shard behind this node when it is a mongos router, else undefined. */
export function shardBehindRouter(context: CommandContext, host: string): ShardIdentity | undefined {
  if (Reflect.get(context.server, 'router') === undefined) return undefined;
  const replication: unknown = Reflect.get(context.server, 'replication');
  const setName: unknown = typeof replication === 'object' && replication !== null ? Reflect.get(replication, 'setName') : undefined;
  const shardName = typeof setName === 'string' ? setName : 'shard0';
  return { shardName, connectionString: `${shardName}/${host}` };
}

/** Rewrites a shard-level explain reply into the mongos shape. */
export function asMongosExplain(reply: Document, shard: ShardIdentity): Document {
  const { explainVersion, queryPlanner, executionStats, stages, serverInfo, command, ok } = reply;
  const tail = { serverInfo, command, ok };
  if (Array.isArray(stages)) {
    return { explainVersion, mergeType: 'mongos', splitPipeline: null, shards: { [shard.shardName]: { host: shard.connectionString.split('/')[1], stages } }, ...tail };
  }
  const shardPlan: Document = { shardName: shard.shardName, connectionString: shard.connectionString, serverInfo, ...(isPlainDocument(queryPlanner) ? queryPlanner : {}) };
  const out: Document = { explainVersion, queryPlanner: { mongosPlannerVersion: 1, winningPlan: { stage: 'SINGLE_SHARD', shards: [shardPlan] } } };
  if (isPlainDocument(executionStats)) {
    const { nReturned, executionTimeMillis, totalKeysExamined, totalDocsExamined, executionStages, allPlansExecution } = executionStats;
    const shardStats = { shardName: shard.shardName, executionSuccess: true, nReturned, executionTimeMillis, totalKeysExamined, totalDocsExamined, executionStages, ...(allPlansExecution !== undefined ? { allPlansExecution } : {}) };
    out.executionStats = {
      nReturned,
      executionTimeMillis,
      totalKeysExamined,
      totalDocsExamined,
      executionStages: { stage: 'SINGLE_SHARD', nReturned, executionTimeMillis, totalKeysExamined, totalDocsExamined, totalChildMillis: executionTimeMillis, shards: [shardStats] },
    };
  }
  return { ...out, ...tail };
}
