// explain: mongod-shaped plans reflecting the server's real index use, through the official driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';

/** Test documents use numeric, string and date _ids. */
type Doc = { _id?: number | string | Date; [key: string]: unknown };

let server: MemoryServer;
let client: MongoClient;
let coll: Collection<Doc>;

beforeAll(async () => {
  server = await MemoryServer.start();
  client = await MongoClient.connect(server.uri);
  coll = client.db('ex').collection<Doc>('items');
  await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, sku: `s${i % 5}`, qty: i, tags: ['a'] })));
  await coll.createIndex({ sku: 1 });
  await coll.createIndex({ qty: -1 }, { sparse: true });
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

function planOf(explain: Document): Document {
  return (explain.queryPlanner as Document).winningPlan as Document;
}

describe('explain queryPlanner', () => {
  it('uses the index for an equality the server looks up through it', async () => {
    const explain = await coll.find({ sku: 's1', qty: { $gt: 3 } }).explain('queryPlanner');
    const plan = planOf(explain);
    expect(plan.stage).toBe('FETCH');
    expect(plan.filter).toEqual({ qty: { $gt: 3 } });
    expect(plan.inputStage).toMatchObject({ stage: 'IXSCAN', keyPattern: { sku: 1 }, indexName: 'sku_1', direction: 'forward', indexBounds: { sku: ['["s1", "s1"]'] } });
    expect(explain.queryPlanner).toMatchObject({ namespace: 'ex.items', rejectedPlans: [], parsedQuery: { $and: [{ sku: { $eq: 's1' } }, { qty: { $gt: 3 } }] } });
    expect(explain.executionStats).toBeUndefined();
    expect(explain.serverInfo).toMatchObject({ port: server.port, version: expect.any(String) });
    expect(explain.command).toMatchObject({ find: 'items', filter: { sku: 's1', qty: { $gt: 3 } }, $db: 'ex' });
    expect(explain.ok).toBe(1);
  });

  it('scans the collection when no index serves the filter', async () => {
    const plan = planOf(await coll.find({ qty: { $gte: 10 } }).explain('queryPlanner'));
    expect(plan).toEqual({ stage: 'COLLSCAN', filter: { qty: { $gte: 10 } }, direction: 'forward' });
    // $in over a lookup index is a set of point intervals.
    const inPlan = planOf(await coll.find({ sku: { $in: ['s1', 's2'] } }).explain('queryPlanner'));
    expect(inPlan.inputStage).toMatchObject({ indexName: 'sku_1', indexBounds: { sku: ['["s1", "s1"]', '["s2", "s2"]'] } });
  });

  it('a hint forces that index; $natural forces a scan in its direction', async () => {
    const hinted = planOf(await coll.find({}).hint('qty_-1').explain('queryPlanner'));
    expect(hinted).toMatchObject({ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'qty_-1', indexBounds: { qty: ['[MaxKey, MinKey]'] } } });
    const natural = planOf(await coll.find({ sku: 's1' }).hint({ $natural: -1 }).explain('queryPlanner'));
    expect(natural).toMatchObject({ stage: 'COLLSCAN', direction: 'backward' });
    await expect(coll.find({}).hint('nope').explain()).rejects.toMatchObject({ code: 2 });
  });

  it('sort, skip, limit and projection appear as stages', async () => {
    const plan = planOf(await coll.find({ sku: 's2' }, { projection: { qty: 1 } }).sort({ qty: 1 }).skip(1).limit(2).explain('queryPlanner'));
    expect(plan.stage).toBe('PROJECTION_DEFAULT');
    expect(plan.inputStage).toMatchObject({ stage: 'LIMIT', limitAmount: 2, inputStage: { stage: 'SKIP', skipAmount: 1, inputStage: { stage: 'SORT', sortPattern: { qty: 1 }, inputStage: { stage: 'FETCH' } } } });
  });

  it('a hidden index is not planned', async () => {
    const hidden = client.db('ex').collection<Doc>('hidden');
    await hidden.insertMany([{ k: 1 }, { k: 2 }]);
    await hidden.createIndex({ k: 1 });
    expect(planOf(await hidden.find({ k: 1 }).explain('queryPlanner')).stage).toBe('FETCH');
    await client.db('ex').command({ collMod: 'hidden', index: { name: 'k_1', hidden: true } });
    expect(planOf(await hidden.find({ k: 1 }).explain('queryPlanner')).stage).toBe('COLLSCAN');
  });

  it('a missing collection is EOF', async () => {
    const explain = await client.db('ex').collection<Doc>('missing').find({ a: 1 }).explain('queryPlanner');
    expect(planOf(explain)).toEqual({ stage: 'EOF' });
  });
});

describe('explain executionStats', () => {
  it('counts returned documents, keys and documents examined', async () => {
    const viaIndex = (await coll.find({ sku: 's3' }).explain('executionStats')).executionStats as Document;
    expect(viaIndex).toMatchObject({ executionSuccess: true, nReturned: 4, totalKeysExamined: 4, totalDocsExamined: 4 });
    expect(viaIndex.executionTimeMillis).toEqual(expect.any(Number));
    expect(viaIndex.executionStages).toMatchObject({ stage: 'FETCH', nReturned: 4, inputStage: { stage: 'IXSCAN', keysExamined: 4 } });
    const scan = (await coll.find({ qty: { $lt: 5 } }).limit(3).explain('executionStats')).executionStats as Document;
    expect(scan).toMatchObject({ nReturned: 3, totalKeysExamined: 0, totalDocsExamined: 20 });
    const all = await coll.find({}).explain('allPlansExecution');
    expect((all.executionStats as Document).allPlansExecution).toEqual([]);
  });

  it('explains writes without performing them', async () => {
    const db = client.db('ex');
    const update = await db.command({ explain: { update: 'items', updates: [{ q: { sku: 's4' }, u: { $set: { x: 1 } }, multi: true }] }, verbosity: 'executionStats' });
    expect(planOf(update)).toMatchObject({ stage: 'UPDATE', inputStage: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: 'sku_1' } } });
    expect((update.executionStats as Document).executionStages).toMatchObject({ stage: 'UPDATE', nMatched: 4, nWouldModify: 4, nWouldUpsert: 0 });
    const del = await db.command({ explain: { delete: 'items', deletes: [{ q: { qty: { $gt: 15 } }, limit: 0 }] }, verbosity: 'executionStats' });
    expect(planOf(del)).toMatchObject({ stage: 'DELETE', inputStage: { stage: 'COLLSCAN' } });
    expect((del.executionStats as Document).executionStages).toMatchObject({ stage: 'DELETE', nWouldDelete: 4 });
    const fam = await db.command({ explain: { findAndModify: 'items', query: { _id: 3 }, remove: true }, verbosity: 'queryPlanner' });
    expect(planOf(fam)).toMatchObject({ stage: 'DELETE', inputStage: { stage: 'LIMIT', inputStage: { stage: 'FETCH', inputStage: { indexName: '_id_' } } } });
    expect(await coll.countDocuments()).toBe(20);
    expect(await coll.countDocuments({ x: 1 })).toBe(0);
  });

  it('count and distinct', async () => {
    const db = client.db('ex');
    const count = await db.command({ explain: { count: 'items', query: { sku: 's0' } }, verbosity: 'executionStats' });
    expect(planOf(count)).toMatchObject({ stage: 'COUNT', inputStage: { stage: 'FETCH' } });
    expect((count.executionStats as Document).executionStages).toMatchObject({ stage: 'COUNT', nCounted: 4 });
    const distinct = await db.command({ explain: { distinct: 'items', key: 'sku', query: { qty: { $lt: 2 } } }, verbosity: 'queryPlanner' });
    expect(planOf(distinct)).toMatchObject({ stage: 'PROJECTION_DEFAULT', inputStage: { stage: 'COLLSCAN' } });
  });

  it('aggregate: a pushed-down pipeline explains as a query, the rest under $cursor', async () => {
    const pushed = await coll.aggregate([{ $match: { sku: 's1' } }, { $sort: { qty: -1 } }]).explain('queryPlanner');
    expect(planOf(pushed)).toMatchObject({ stage: 'SORT', inputStage: { stage: 'FETCH', inputStage: { indexName: 'sku_1' } } });
    const grouped = await coll.aggregate([{ $match: { qty: { $gt: 1 } } }, { $group: { _id: '$sku', n: { $sum: 1 } } }]).explain('executionStats');
    const stages = grouped.stages as Document[];
    expect(stages[0]).toMatchObject({ $cursor: { queryPlanner: { winningPlan: { stage: 'COLLSCAN' } }, executionStats: { nReturned: 18 } } });
    expect(stages[1]).toEqual({ $group: { _id: '$sku', n: { $sum: 1 } } });
  });
});

describe('explain argument errors', () => {
  it('reports the explained command\'s own argument errors', async () => {
    const db = client.db('ex');
    await expect(db.command({ explain: { find: 'items', filter: 'x' }, verbosity: 'queryPlanner' })).rejects.toMatchObject({ code: 14 });
    await expect(db.command({ explain: { count: 'items', skip: -1 }, verbosity: 'queryPlanner' })).rejects.toMatchObject({ code: 2 });
    await expect(db.command({ explain: { listIndexes: 'items' } })).rejects.toMatchObject({ code: 20 });
  });
});

describe('explain through a mongos', () => {
  it('nests the shard plan under SINGLE_SHARD', async () => {
    const cluster = await MemoryServer.start({ sharded: true });
    const routed = await MongoClient.connect(cluster.uri);
    try {
      const items = routed.db('ex').collection<Doc>('items');
      await items.insertMany([{ _id: 1, k: 'a' }, { _id: 2, k: 'b' }]);
      const explain = await items.find({ _id: 1 }).explain('executionStats');
      const planner = explain.queryPlanner as Document;
      expect(planner.mongosPlannerVersion).toBe(1);
      const winning = planner.winningPlan as Document;
      expect(winning.stage).toBe('SINGLE_SHARD');
      const [shard] = winning.shards as Document[];
      expect(shard).toMatchObject({ shardName: expect.any(String), namespace: 'ex.items', winningPlan: { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: '_id_' } } });
      expect(explain.executionStats).toMatchObject({ nReturned: 1, executionStages: { stage: 'SINGLE_SHARD', shards: [{ nReturned: 1, executionSuccess: true }] } });
    } finally {
      await routed.close();
      await cluster.stop();
    }
  });
});
