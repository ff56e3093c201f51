// The six measurements. Each builds one contender per driver (plus the raw-socket floor)
// and hands them to interleave(); seeding and clean-up go through an official-driver
// "setup" client and are never timed.
import type { MongoClient } from 'mongodb';
import type { Document } from '../src/bson.js';
import type { Corpus } from './corpus.js';
import type { BenchClient, BenchCollection, DriverName } from './drivers.js';
import { openRawPinger } from './floor.js';
import { interleave, type Contender, type ContenderName, type Plan } from './interleave.js';
import { measure, summarizeLatency, summarizeThroughput, type LatencySummary, type Sample, type ThroughputSummary } from './stats.js';

export const DB = 'mongrove_bench';
export const MANY = 10_000;
const TWEETS = 'tweets';

export interface Plans {
  latency: Plan;
  largeInsert: Plan;
  throughput: Plan;
  floor: Plan;
}

// Budgets keep a full run under ~2 minutes even when the server is slow; the counts
// cap the work when it is fast. Six cases: findOne and insertOne share `latency`.
export const FULL: Plans = {
  latency: { warmup: 300, rounds: 10, perRound: 300, budgetMs: 10_000 },
  largeInsert: { warmup: 1, rounds: 6, perRound: 3, budgetMs: 12_000 },
  throughput: { warmup: 1, rounds: 8, perRound: 1, budgetMs: 15_000 },
  floor: { warmup: 500, rounds: 10, perRound: 500, budgetMs: 3_000 },
};

export const QUICK: Plans = {
  latency: { warmup: 30, rounds: 4, perRound: 100, budgetMs: 1_500 },
  largeInsert: { warmup: 0, rounds: 2, perRound: 1, budgetMs: 0 },
  throughput: { warmup: 0, rounds: 2, perRound: 1, budgetMs: 0 },
  floor: { warmup: 100, rounds: 4, perRound: 200, budgetMs: 500 },
};

export type CaseId = 'findOneById' | 'insertOneSmall' | 'findMany' | 'insertMany' | 'insertOneLarge' | 'floorPing';

export interface CaseResult {
  id: CaseId;
  title: string;
  better: 'lower' | 'higher';
  summaries: Partial<Record<ContenderName, LatencySummary | ThroughputSummary>>;
  errors: Partial<Record<ContenderName, string>>;
}

export interface BenchContext {
  uri: string;
  corpus: Corpus;
  plans: Plans;
  setup: MongoClient;
  clients: Partial<Record<DriverName, BenchClient>>;
}

/** Shallow copy: drivers add _id to the document they are given, so each op gets its own. */
function copyOf(doc: Document): Document {
  return { ...doc };
}

async function dropQuietly(setup: MongoClient, name: string): Promise<void> {
  await setup.db(DB).collection(name).drop().catch(() => false);
}

/** Stack head: enough for the lead to find the failing line. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const stack = (error.stack ?? `${error.name}: ${error.message}`).split('\n').slice(0, 6).join('\n');
  return stack;
}

function collectionsFor(ctx: BenchContext, name: (driver: DriverName) => string): [DriverName, BenchCollection][] {
  const out: [DriverName, BenchCollection][] = [];
  for (const [driver, client] of Object.entries(ctx.clients) as [DriverName, BenchClient][]) {
    out.push([driver, client.collection(DB, name(driver))]);
  }
  return out;
}

async function runCase(
  id: CaseId,
  title: string,
  better: 'lower' | 'higher',
  contenders: Contender[],
  plan: Plan,
  summarize: (samples: Sample[]) => LatencySummary | ThroughputSummary,
): Promise<CaseResult> {
  const { samples, errors } = await interleave(contenders, plan);
  const result: CaseResult = { id, title, better, summaries: {}, errors: {} };
  for (const [name, values] of samples) {
    if (errors.has(name)) result.errors[name] = describeError(errors.get(name));
    else if (values.length > 0) result.summaries[name] = summarize(values);
  }
  return result;
}

/** 10,000 tweets with integer _id 0..9999: the findOne and find-many corpus. */
export async function seedTweets(ctx: BenchContext): Promise<void> {
  await ctx.setup.db(DB).dropDatabase();
  const docs: Document[] = Array.from({ length: MANY }, (_, i) => ({ ...ctx.corpus.tweet, _id: i }));
  await ctx.setup.db(DB).collection(TWEETS).insertMany(docs);
}

export async function findOneById(ctx: BenchContext): Promise<CaseResult> {
  const contenders = collectionsFor(ctx, () => TWEETS).map(([name, coll]): Contender => ({
    name,
    step: async (i) => {
      const filter = { _id: (i * 7919) % MANY };
      return measure(async () => {
        if ((await coll.findOne(filter)) === null) throw new Error(`findOne({_id: ${filter._id}}) found nothing`);
      });
    },
  }));
  return runCase('findOneById', 'findOne by _id (tweet)', 'lower', contenders, ctx.plans.latency, summarizeLatency);
}

export async function insertOneSmall(ctx: BenchContext): Promise<CaseResult> {
  const contenders = collectionsFor(ctx, (d) => `small_${d}`).map(([name, coll]): Contender => ({
    name,
    step: async () => {
      const doc = copyOf(ctx.corpus.small);
      return measure(() => coll.insertOne(doc));
    },
  }));
  return runCase('insertOneSmall', 'insertOne small_doc', 'lower', contenders, ctx.plans.latency, summarizeLatency);
}

export async function insertOneLarge(ctx: BenchContext): Promise<CaseResult> {
  const contenders = collectionsFor(ctx, (d) => `large_${d}`).map(([name, coll]): Contender => ({
    name,
    step: async () => {
      const doc = copyOf(ctx.corpus.large);
      return measure(() => coll.insertOne(doc));
    },
    afterRound: () => dropQuietly(ctx.setup, `large_${name}`), // keeps the server's memory flat
  }));
  return runCase('insertOneLarge', 'insertOne large_doc (~2.7 MB JSON)', 'lower', contenders, ctx.plans.largeInsert, summarizeLatency);
}

export async function findMany(ctx: BenchContext): Promise<CaseResult> {
  const contenders = collectionsFor(ctx, () => TWEETS).map(([name, coll]): Contender => ({
    name,
    step: () =>
      measure(async () => {
        let seen = 0;
        for await (const _doc of coll.find({})) seen++;
        if (seen !== MANY) throw new Error(`find({}) yielded ${seen} documents, expected ${MANY}`);
      }),
  }));
  return runCase('findMany', `find ${MANY} tweets, fully iterated`, 'higher', contenders, ctx.plans.throughput, (s) => summarizeThroughput(s, MANY));
}

export async function insertMany(ctx: BenchContext): Promise<CaseResult> {
  const contenders = collectionsFor(ctx, (d) => `many_${d}`).map(([name, coll]): Contender => ({
    name,
    step: async () => {
      await dropQuietly(ctx.setup, `many_${name}`);
      const docs = Array.from({ length: MANY }, () => copyOf(ctx.corpus.small));
      return measure(() => coll.insertMany(docs));
    },
  }));
  return runCase('insertMany', `insertMany ${MANY} small_docs`, 'higher', contenders, ctx.plans.throughput, (s) => summarizeThroughput(s, MANY));
}

export async function floorPing(ctx: BenchContext): Promise<CaseResult> {
  const pinger = await openRawPinger(ctx.uri);
  try {
    const floor: Contender = { name: 'floor', step: () => measure(() => pinger.ping()) };
    return await runCase('floorPing', 'raw socket OP_MSG ping (floor)', 'lower', [floor], ctx.plans.floor, summarizeLatency);
  } finally {
    pinger.close();
  }
}
