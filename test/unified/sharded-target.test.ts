// The runner's 'sharded' target: which tests it admits, that it comes last among the per-test
// candidates, which client entities get every mongos, and that MONGROVE_TARGET=mongod has none.
import { afterAll, describe, expect, it } from 'vitest';
import { mongroveAdapter } from './adapters/mongrove.js';
import { usesMultipleMongoses } from './create-entities.js';
import type { RunOnRequirement, UnifiedFile, UnifiedTest } from './model.js';
import { admitsTopology } from './requirements.js';
import { PER_TEST_TARGETS, REPLICA_SET_TARGETS } from './suite.js';
import { TargetPool } from './target-pool.js';
import { unavailableTopology } from './target.js';

describe('the sharded target', () => {
  it('is the last per-test candidate, so it only takes tests no other target admits', () => {
    expect(PER_TEST_TARGETS.at(-1)).toBe('sharded');
    expect(REPLICA_SET_TARGETS).toEqual(['replicaset', 'sharded']);
  });

  it('admits requirements listing sharded or sharded-replicaset', () => {
    const reqs = (...list: RunOnRequirement[]): RunOnRequirement[] => list;
    expect(admitsTopology(reqs({ topologies: ['sharded'] }), 'sharded')).toBe(true);
    expect(admitsTopology(reqs({ topologies: ['sharded-replicaset'] }), 'sharded')).toBe(true);
    expect(admitsTopology(reqs({ topologies: ['sharded-replicaset'] }), 'replicaset')).toBe(false);
    expect(admitsTopology(reqs({ topologies: ['replicaset', 'load-balanced'] }), 'sharded')).toBe(false);
  });

  it('is unavailable under MONGROVE_TARGET=mongod only', () => {
    const saved = process.env.MONGROVE_TARGET;
    try {
      process.env.MONGROVE_TARGET = 'mongod';
      expect(unavailableTopology('sharded')).toMatch(/MONGROVE_TARGET=mongod starts no sharded cluster/u);
      process.env.MONGROVE_TARGET = 'embedded';
      expect(unavailableTopology('sharded')).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.MONGROVE_TARGET;
      else process.env.MONGROVE_TARGET = saved;
    }
  });

  it('gives every mongos only to clients with useMultipleMongoses true (load balancers: true or unset)', () => {
    expect(usesMultipleMongoses('sharded', true)).toBe(true);
    expect(usesMultipleMongoses('sharded', false)).toBe(false);
    expect(usesMultipleMongoses('sharded', undefined)).toBe(false);
    expect(usesMultipleMongoses('load-balanced', undefined)).toBe(true);
    expect(usesMultipleMongoses('load-balanced', false)).toBe(false);
    expect(usesMultipleMongoses('replicaset', true)).toBe(false);
  });
});

describe('TargetPool with the sharded candidate', () => {
  const pool = new TargetPool({ adapter: mongroveAdapter, topologies: REPLICA_SET_TARGETS });
  afterAll(() => pool.stop(), 20_000);
  const file = (): UnifiedFile => ({ description: 'f', schemaVersion: '1.0', tests: [] });
  const test = (runOnRequirements: RunOnRequirement[]): UnifiedTest => ({ description: 't', operations: [], runOnRequirements });
  const chosen = async (t: UnifiedTest): Promise<string> => {
    const choice = await pool.choose(file(), t);
    return 'notApplicable' in choice ? `n/a: ${choice.notApplicable}` : `${choice.topology} ${choice.env.info.topology}`;
  };

  it('runs sharded-only tests on the embedded cluster, discovered as sharded with two mongoses', async () => {
    expect(await chosen(test([{ topologies: ['replicaset', 'sharded'] }]))).toBe('replicaset replicaset');
    expect(pool.startedTopologies()).toEqual(['replicaset']);
    expect(await chosen(test([{ topologies: ['sharded'] }]))).toBe('sharded sharded');
    expect(await chosen(test([{ topologies: ['sharded-replicaset'] }]))).toBe('sharded sharded');
    const env = await pool.envFor('sharded');
    expect(env.multiMongosUri?.split(',')).toHaveLength(2);
    expect(env.multiMongosUri?.startsWith(env.uri.replace(/\/$/u, ''))).toBe(true);
  });
});
