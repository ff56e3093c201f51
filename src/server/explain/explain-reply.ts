// explain's reply for each explainable command, shaped as mongod 7/8's: queryPlanner (the plan
// query-plan.ts derives from this server's real access path), executionStats for the
// executionStats / allPlansExecution verbosities (counted by running the query part; writes are
// never performed), serverInfo and command.
import { hostname } from 'node:os';
import type { Document } from '../../bson.js';
import { isPlainDocument, toNumber } from '../query/bson-types.js';
import { readableCollection } from '../query/views.js';
import { SERVER_VERSION } from '../server-runtime.js';
import type { CollectionStore } from '../storage/storage.js';
import type { CommandContext } from '../types.js';
import { checkHint, selectRecords } from '../commands/data/common.js';
import { countMatching, distinctValues } from '../commands/data/count-distinct.js';
import { runFind } from '../commands/data/find.js';
import { asMongosExplain, shardBehindRouter } from './mongos-shape.js';
import { parsedQuery, planQuery, type QueryPlan, type QueryShape } from './query-plan.js';

/** What explain needs of one explained command. */
interface Explained {
  coll: string;
  query: QueryShape;
  /** A write stage (UPDATE / DELETE) or COUNT around the query plan. */
  outer?: 'UPDATE' | 'DELETE' | 'COUNT';
  /** The pipeline after the stages pushed into the query (aggregate). */
  remainingPipeline?: Document[];
  upsert?: boolean;
}

function documentField(value: unknown): Document | undefined {
  return isPlainDocument(value) ? value : undefined;
}

function numberField(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Math.abs(toNumber(value));
  return Number.isFinite(n) ? n : undefined;
}

function firstStatement(inner: Document, field: string): Document {
  const list: unknown = inner[field];
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return isPlainDocument(first) ? first : {};
}

/** Leading $match / $sort / $skip / $limit / $project stages become the query, as mongod pushes them down. */
function pushedDown(pipeline: Document[], query: QueryShape): Document[] {
  let i = 0;
  for (; i < pipeline.length; i++) {
    const stage = pipeline[i] ?? {};
    const [name] = Object.keys(stage);
    const value: unknown = name === undefined ? undefined : stage[name];
    if (name === '$match' && isPlainDocument(value) && query.filter === undefined && query.sort === undefined) query.filter = value;
    else if (name === '$sort' && isPlainDocument(value) && query.sort === undefined && query.limit === undefined) query.sort = value;
    else break;
  }
  return pipeline.slice(i);
}

function explainedOf(name: string, inner: Document): Explained {
  const coll = typeof inner[name] === 'string' ? inner[name] : '$cmd.aggregate';
  const common = { hint: inner.hint, collation: inner.collation };
  switch (name) {
    case 'find':
      return { coll, query: { ...common, filter: documentField(inner.filter), sort: documentField(inner.sort), skip: numberField(inner.skip), limit: numberField(inner.limit), projection: documentField(inner.projection) } };
    case 'count':
      return { coll, outer: 'COUNT', query: { ...common, filter: documentField(inner.query), skip: numberField(inner.skip), limit: numberField(inner.limit) } };
    case 'distinct':
      return { coll, query: { ...common, filter: documentField(inner.query), projection: typeof inner.key === 'string' ? { _id: 0, [inner.key]: 1 } : undefined } };
    case 'update': {
      const statement = firstStatement(inner, 'updates');
      return { coll, outer: 'UPDATE', upsert: statement.upsert === true, query: { hint: statement.hint, collation: statement.collation, filter: documentField(statement.q), sort: documentField(statement.sort), limit: statement.multi === true ? undefined : 1 } };
    }
    case 'delete': {
      const statement = firstStatement(inner, 'deletes');
      return { coll, outer: 'DELETE', query: { hint: statement.hint, collation: statement.collation, filter: documentField(statement.q), limit: toNumber(statement.limit) === 1 ? 1 : undefined } };
    }
    case 'aggregate': {
      const query: QueryShape = { ...common };
      const pipeline = Array.isArray(inner.pipeline) ? inner.pipeline.filter(isPlainDocument) : [];
      return { coll, query, remainingPipeline: pushedDown(pipeline, query) };
    }
    default: // findAndModify / findandmodify
      return { coll, outer: inner.remove === true ? 'DELETE' : 'UPDATE', upsert: inner.upsert === true, query: { ...common, filter: documentField(inner.query), sort: documentField(inner.sort), limit: 1 } };
  }
}

/** The counts executionStats reports, from running the query part over the stored documents. */
interface Counts {
  matched: number;
  returned: number;
  keysExamined: number;
  docsExamined: number;
}

function countQuery(collection: CollectionStore | undefined, plan: QueryPlan, query: QueryShape): Counts {
  if (collection === undefined) return { matched: 0, returned: 0, keysExamined: 0, docsExamined: 0 };
  const matched = selectRecords(collection, query.filter, { collation: query.collation }).length;
  let returned = Math.max(0, matched - (query.skip ?? 0));
  if (query.limit !== undefined && query.limit > 0) returned = Math.min(returned, query.limit);
  const scanned = plan.candidates?.size ?? collection.count;
  return { matched, returned, keysExamined: plan.index === undefined ? 0 : scanned, docsExamined: scanned };
}

/** A copy of the plan tree with each stage's execution counters. */
function withStageStats(stage: Document, counts: Counts): Document {
  const input = isPlainDocument(stage.inputStage) ? withStageStats(stage.inputStage, counts) : undefined;
  const out: Document = { ...stage, nReturned: 0, executionTimeMillisEstimate: 0, works: 0, advanced: 0, needTime: 0, needYield: 0, saveState: 0, restoreState: 0, isEOF: 1 };
  switch (stage.stage) {
    case 'COLLSCAN': Object.assign(out, { nReturned: counts.matched, docsExamined: counts.docsExamined, works: counts.docsExamined + 1 }); break;
    case 'IXSCAN': Object.assign(out, { nReturned: counts.keysExamined, keysExamined: counts.keysExamined, seeks: 1, dupsTested: 0, dupsDropped: 0, works: counts.keysExamined + 1 }); break;
    case 'FETCH': Object.assign(out, { nReturned: counts.matched, docsExamined: counts.docsExamined, alreadyHasObj: 0 }); break;
    case 'SORT': case 'PROJECTION_DEFAULT': out.nReturned = isPlainDocument(input) ? input.nReturned : counts.matched; break;
    case 'SKIP': out.nReturned = Math.max(0, toNumber(isPlainDocument(input) ? input.nReturned : 0) - toNumber(stage.skipAmount)); break;
    case 'LIMIT': out.nReturned = Math.min(toNumber(isPlainDocument(input) ? input.nReturned : 0), toNumber(stage.limitAmount)); break;
    case 'COUNT': out.nCounted = counts.returned; break;
    case 'UPDATE': Object.assign(out, { nMatched: counts.returned, nWouldModify: counts.returned, nWouldUpsert: stage.upsert === true && counts.returned === 0 ? 1 : 0 }); delete out.upsert; break;
    case 'DELETE': out.nWouldDelete = counts.returned; break;
    default: break;
  }
  out.advanced = out.nReturned;
  if (input !== undefined) out.inputStage = input;
  return out;
}

function listeningPort(context: CommandContext): number {
  // The runtime behind ServerContext knows the listening address; bare contexts (unit tests) do not.
  const address: unknown = Reflect.get(context.server, 'address');
  const value: unknown = typeof address === 'function' ? Reflect.apply(address, context.server, []) : undefined;
  return isPlainDocument(value) && typeof value.port === 'number' ? value.port : 27017;
}

function serverInfo(context: CommandContext): Document {
  return { host: hostname(), port: listeningPort(context), version: SERVER_VERSION, gitVersion: 'mongrove' };
}

/** The explain reply for `inner`, in the mongos shape when this node is a router. */
export function explainReply(name: string, inner: Document, verbosity: string, context: CommandContext): Document {
  const reply = shardExplainReply(name, inner, verbosity, context);
  const shard = shardBehindRouter(context, `${hostname()}:${listeningPort(context)}`);
  return shard === undefined ? reply : asMongosExplain(reply, shard);
}

/**
 * Runs the read part of find / count / distinct as the command itself would: the same argument
 * errors as the real command, and (find, count) the number of documents it really returns.
 */
function runReadPart(name: string, inner: Document, context: CommandContext): number | undefined {
  if (name === 'find') return runFind(inner, context).documents.length;
  if (name === 'count') return countMatching(inner, context);
  if (name === 'distinct') distinctValues(inner, context);
  return undefined;
}

/** The explain reply for `inner` (a validated explainable command named `name`) as a mongod gives it. */
function shardExplainReply(name: string, inner: Document, verbosity: string, context: CommandContext): Document {
  const started = Date.now();
  const explained = explainedOf(name, inner);
  const returnedByCommand = runReadPart(name, inner, context);
  const collection = explained.coll === '$cmd.aggregate' ? undefined : readableCollection(context.server.storage, context.dbName, explained.coll);
  checkHint(collection, explained.query.hint);
  const plan = planQuery(collection, explained.query);
  const winningPlan = explained.outer === undefined ? plan.winningPlan : { stage: explained.outer, ...(explained.upsert === true ? { upsert: true } : {}), inputStage: plan.winningPlan };
  const queryPlanner: Document = {
    namespace: `${context.dbName}.${explained.coll}`,
    indexFilterSet: false,
    parsedQuery: parsedQuery(explained.query.filter),
    maxIndexedOrSolutionsReached: false,
    maxIndexedAndSolutionsReached: false,
    maxScansToExplodeReached: false,
    prunedSimilarIndexes: false,
    winningPlan,
    rejectedPlans: [],
  };
  let executionStats: Document | undefined;
  if (verbosity !== 'queryPlanner') {
    const counted = countQuery(collection, plan, explained.query);
    const counts = returnedByCommand === undefined ? counted : { ...counted, returned: returnedByCommand };
    const stages = withStageStats(winningPlan, counts);
    const nReturned = explained.outer === undefined ? counts.returned : 0;
    executionStats = {
      executionSuccess: true,
      nReturned,
      executionTimeMillis: Date.now() - started,
      totalKeysExamined: counts.keysExamined,
      totalDocsExamined: counts.docsExamined,
      executionStages: stages,
      ...(verbosity === 'allPlansExecution' ? { allPlansExecution: [] } : {}),
    };
  }
  const tail = { serverInfo: serverInfo(context), command: { ...inner, $db: context.dbName }, ok: 1 };
  if (explained.remainingPipeline !== undefined && explained.remainingPipeline.length > 0) {
    const cursorStage = { $cursor: { queryPlanner, ...(executionStats !== undefined ? { executionStats } : {}) } };
    return { explainVersion: '1', stages: [cursorStage, ...explained.remainingPipeline], ...tail };
  }
  return { explainVersion: '1', queryPlanner, ...(executionStats !== undefined ? { executionStats } : {}), ...tail };
}
