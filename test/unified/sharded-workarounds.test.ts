// The runner's sharded-cluster workarounds (unified-test-format.md): session entities start with
// the internal client's cluster time after initialData, and a test that might run distinct first
// has distinct run on every mongos.
import { afterAll, describe, expect, it } from 'vitest';
import { Timestamp, type Document } from '../../src/bson.js';
import type { ClusterTime } from '../../src/index.js';
import { mongroveAdapter } from './adapters/mongrove.js';
import { MongroveSession } from './adapters/mongrove-session.js';
import type { RunnerEnv } from './context.js';
import type { UnifiedFile, UnifiedTest } from './model.js';
import { killAllSessions, runUnifiedTest } from './runner.js';
import { eachMongosUri, internalClusterTime, mightRunDistinct, targetCollections } from './sharded-workarounds.js';
import { REPLICA_SET_TARGETS } from './suite.js';
import { TargetPool } from './target-pool.js';

describe('sharded workaround helpers', () => {
  it('names each mongos alone, keeping credentials and options', () => {
    expect(eachMongosUri('mongodb://u:p@h:1,h:2/?tls=true')).toEqual(['mongodb://u:p@h:1/?tls=true', 'mongodb://u:p@h:2/?tls=true']);
  });

  it('finds the target collections of collection entities and tests that might run distinct', () => {
    const entities = [
      { database: { id: 'db0', client: 'c', databaseName: 'd' } },
      { collection: { id: 'coll0', database: 'db0', collectionName: 'x' } },
      { session: { id: 's', client: 'c' } },
    ];
    expect(targetCollections(entities)).toEqual([{ databaseName: 'd', collectionName: 'x' }]);
    const test = (name: string): UnifiedTest => ({ description: 't', operations: [{ name, object: 'coll0' }] });
    expect(mightRunDistinct(test('distinct'))).toBe(true);
    expect(mightRunDistinct(test('find'))).toBe(false);
  });
});

describe('the runner on the embedded sharded cluster', () => {
  const pool = new TargetPool({ adapter: mongroveAdapter, topologies: REPLICA_SET_TARGETS });
  afterAll(() => pool.stop(), 20_000);

  const file: UnifiedFile = {
    description: 'gossip',
    schemaVersion: '1.0',
    createEntities: [
      { client: { id: 'client0', useMultipleMongoses: false } },
      { database: { id: 'db0', client: 'client0', databaseName: 'gossip-db' } },
      { collection: { id: 'coll0', database: 'db0', collectionName: 'gossip' } },
      { session: { id: 'session0', client: 'client0' } },
    ],
    initialData: [{ databaseName: 'gossip-db', collectionName: 'gossip', documents: [{ _id: 1 }] }],
    tests: [],
  };
  const test: UnifiedTest = {
    description: 'distinct in a transaction',
    operations: [
      { name: 'startTransaction', object: 'session0' },
      { name: 'distinct', object: 'coll0', arguments: { fieldName: '_id', filter: {}, session: 'session0' }, expectResult: [1] },
      { name: 'commitTransaction', object: 'session0' },
    ],
  };

  it('advances a new session entity to the internal client\'s cluster time after initialData', async () => {
    const env = await pool.envFor('sharded');
    let sessionTime: ClusterTime | undefined;
    // No operations: only the runner's gossip can have given the session a cluster time.
    await runUnifiedTest(env, file, { description: 'no operations', operations: [] }, {
      inspect: (entities) => {
        const session = entities.session('session0');
        if (session instanceof MongroveSession) sessionTime = session.driver.clusterTime;
      },
    });
    const now = (await internalClusterTime(env))?.clusterTime;
    expect(sessionTime?.clusterTime).toBeInstanceOf(Timestamp);
    expect(now).toBeInstanceOf(Timestamp);
    expect((sessionTime?.clusterTime as Timestamp).compare(now as Timestamp)).toBeLessThanOrEqual(0);
  });

  /** How many times `action` had `commandName` run on the second mongos (counted by a failCommand fail point there). */
  async function timesSecondMongosRan(commandName: string, action: (env: RunnerEnv) => Promise<void>): Promise<number> {
    const env = await pool.envFor('sharded');
    const [, second] = eachMongosUri(env.multiMongosUri ?? '');
    const direct = await mongroveAdapter.createClient({ uri: second ?? '', onEvent: () => undefined });
    const failPoint = (mode: unknown): Promise<unknown> =>
      direct.database('admin').run('runCommand', {
        command: { configureFailPoint: 'failCommand', mode, data: { failCommands: [commandName], blockConnection: true, blockTimeMS: 1 } },
        commandName: 'configureFailPoint',
      });
    try {
      await failPoint('alwaysOn');
      await action(env);
      const entered = (await failPoint('off')) as Document;
      return Number(entered.count);
    } finally {
      await failPoint('off').catch(() => undefined);
      await direct.close();
    }
  }

  it("sends killAllSessions to each mongos, not only the internal client's", async () => {
    expect(await timesSecondMongosRan('killAllSessions', killAllSessions)).toBeGreaterThanOrEqual(1);
  });

  it('runs distinct on every mongos before a test that might run distinct', async () => {
    // Only the workaround reaches the second mongos: client0 uses the first alone.
    expect(await timesSecondMongosRan('distinct', (env) => runUnifiedTest(env, file, test))).toBeGreaterThanOrEqual(1);
  });
});
