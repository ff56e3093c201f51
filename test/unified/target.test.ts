// Which deployment the unified runner uses for which environment, the per-test target choice,
// and the mongod target's "no binary" failure (for real: it must fail at once, never download).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mongroveAdapter } from './adapters/mongrove.js';
import type { RunOnRequirement, UnifiedFile, UnifiedTest } from './model.js';
import { MongodBinaryUnavailableError, startMongodTarget } from './mongod-target.js';
import { admitsTopology } from './requirements.js';
import { TargetPool } from './target-pool.js';
import { startTarget, targetSource } from './target.js';

describe('targetSource', () => {
  it('is the embedded server by default', () => {
    expect(targetSource({})).toEqual({ kind: 'embedded' });
    expect(targetSource({ MONGODB_URI: '' })).toEqual({ kind: 'embedded' });
  });

  it('is MONGODB_URI when only that is set', () => {
    expect(targetSource({ MONGODB_URI: 'mongodb://db.example:27017' })).toEqual({ kind: 'external', uri: 'mongodb://db.example:27017' });
  });

  it('follows an explicit MONGROVE_TARGET, even when MONGODB_URI is set', () => {
    expect(targetSource({ MONGROVE_TARGET: 'mongod' })).toEqual({ kind: 'mongod' });
    expect(targetSource({ MONGROVE_TARGET: 'mongod', MONGODB_URI: 'mongodb://x' })).toEqual({ kind: 'mongod' });
    expect(targetSource({ MONGROVE_TARGET: 'embedded', MONGODB_URI: 'mongodb://x' })).toEqual({ kind: 'embedded' });
    expect(targetSource({ MONGROVE_TARGET: 'external', MONGODB_URI: 'mongodb://x' })).toEqual({ kind: 'external', uri: 'mongodb://x' });
    expect(targetSource({ MONGROVE_TARGET: '' })).toEqual({ kind: 'embedded' });
  });

  it('names what is wrong with a bad setting', () => {
    expect(() => targetSource({ MONGROVE_TARGET: 'external' })).toThrow(/MONGROVE_TARGET=external needs MONGODB_URI/u);
    expect(() => targetSource({ MONGROVE_TARGET: 'memory' })).toThrow(/MONGROVE_TARGET must be "embedded", "mongod" or "external", got "memory"/u);
  });
});

describe('admitsTopology', () => {
  const reqs = (...list: RunOnRequirement[]): RunOnRequirement[] => list;
  it('admits any topology without requirements or without a topologies field', () => {
    expect(admitsTopology(undefined, 'single')).toBe(true);
    expect(admitsTopology([], 'replicaset')).toBe(true);
    expect(admitsTopology(reqs({ minServerVersion: '4.0' }), 'single')).toBe(true);
  });
  it('admits a topology some requirement lists', () => {
    expect(admitsTopology(reqs({ topologies: ['replicaset', 'sharded'] }), 'single')).toBe(false);
    expect(admitsTopology(reqs({ topologies: ['replicaset', 'sharded'] }), 'replicaset')).toBe(true);
    expect(admitsTopology(reqs({ topologies: ['sharded'] }, { topologies: ['single'] }), 'single')).toBe(true);
  });
});

/** Sets environment variables for the duration of fn, restoring the previous values. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

describe('the mongod target without a binary', () => {
  const empty = mkdtempSync(join(tmpdir(), 'mongrove-no-mongod-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  /** No binary anywhere mongodb-memory-server-core looks: its download dir, home and project caches point at an empty folder. */
  const nowhere = { MONGOMS_DOWNLOAD_DIR: empty, HOME: empty, INIT_CWD: empty, MONGOMS_RUNTIME_DOWNLOAD: undefined };

  it('fails at once, naming MONGOMS_SYSTEM_BINARY, when the configured binary does not exist', async () => {
    const missing = join(empty, 'bin', 'mongod');
    const error = await withEnv({ ...nowhere, MONGOMS_SYSTEM_BINARY: missing }, () => startMongodTarget().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(MongodBinaryUnavailableError);
    expect(String((error as Error).message)).toContain(`MONGOMS_SYSTEM_BINARY="${missing}" is not a usable binary`);
  });

  it('fails at once, naming MONGOMS_SYSTEM_BINARY, when it is unset and nothing is cached (no download is tried)', async () => {
    const error = await withEnv({ ...nowhere, MONGOMS_SYSTEM_BINARY: undefined }, () => startMongodTarget({ topology: 'replicaset' }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(MongodBinaryUnavailableError);
    expect(String((error as Error).message)).toMatch(/set MONGOMS_SYSTEM_BINARY to its path .*MONGOMS_SYSTEM_BINARY is not set and no cached binary was found/su);
    expect(String((error as Error).message)).toMatch(/RUNTIME_DOWNLOAD: "false"/u);
    // The caller's setting is left as it was.
    expect(process.env.MONGOMS_RUNTIME_DOWNLOAD).toBeUndefined();
  });

  it('is what startTarget uses under MONGROVE_TARGET=mongod', async () => {
    const error = await withEnv({ ...nowhere, MONGOMS_SYSTEM_BINARY: undefined, MONGROVE_TARGET: 'mongod', MONGODB_URI: undefined }, () =>
      startTarget().catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(MongodBinaryUnavailableError);
  });
});

describe('TargetPool: the target of each test', () => {
  const pool = new TargetPool({ adapter: mongroveAdapter, topologies: ['single', 'replicaset'] });
  afterAll(() => pool.stop(), 20_000);
  const file = (runOnRequirements?: RunOnRequirement[]): UnifiedFile => ({ description: 'f', schemaVersion: '1.0', tests: [], ...(runOnRequirements ? { runOnRequirements } : {}) });
  const test = (runOnRequirements?: RunOnRequirement[], skipReason?: string): UnifiedTest => ({
    description: 't',
    operations: [],
    ...(runOnRequirements ? { runOnRequirements } : {}),
    ...(skipReason ? { skipReason } : {}),
  });
  const chosen = async (f: UnifiedFile, t: UnifiedTest): Promise<string> => {
    const choice = await pool.choose(f, t);
    return 'notApplicable' in choice ? `n/a: ${choice.notApplicable}` : `${choice.topology} ${choice.env.info.topology}`;
  };

  it('prefers the standalone and starts the replica set only for a test that needs it', async () => {
    expect(await chosen(file(), test())).toBe('single single');
    expect(await chosen(file(), test([{ topologies: ['single', 'replicaset'] }]))).toBe('single single');
    expect(pool.startedTopologies()).toEqual(['single']);
    expect(await chosen(file([{ topologies: ['replicaset', 'sharded'] }]), test())).toBe('replicaset replicaset');
    expect(await chosen(file(), test([{ topologies: ['sharded'] }, { topologies: ['replicaset'] }]))).toBe('replicaset replicaset');
    expect(pool.startedTopologies()).toEqual(['single', 'replicaset']);
  });

  it('reports "not applicable" only when no target fits, with every reason', async () => {
    expect(await chosen(file(), test([{ topologies: ['sharded', 'load-balanced'] }]))).toBe(
      'n/a: runOnRequirements not met by single (topologies); runOnRequirements not met by replicaset (topologies)',
    );
    expect(await chosen(file(), test([{ minServerVersion: '99.0' }]))).toMatch(/^n\/a: runOnRequirements not met by single \d.*; runOnRequirements not met by replicaset \d/u);
    expect(await chosen(file(), test(undefined, 'broken upstream'))).toBe('n/a: skipReason: broken upstream');
  });
});
