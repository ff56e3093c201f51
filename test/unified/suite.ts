// Registers unified-format spec files as vitest cases through the central spec harness.
// Each test runs on a target of the file's TargetPool (target-pool.ts); a test no available
// target can run (runOnRequirements) is skipped at run time with
// ctx.skip("runOnRequirements not met by <topology> <version>"): vitest registers tests before
// any server exists, so this is the one dynamic skip (see test/spec/skips.ts).
import { afterAll } from 'vitest';
import { registerSpecSuite, type SpecCase } from '../spec/harness.js';
import { specFiles } from '../support/specs-dir.js';
import type { DriverAdapter } from './adapter.js';
import type { LoopControl } from './context.js';
import { loadUnifiedFile } from './loader.js';
import type { UnifiedFile } from './model.js';
import { runUnifiedTest } from './runner.js';
import { TargetPool, type TargetPoolOptions } from './target-pool.js';
import type { TargetTopology } from './target.js';

const TEST_TIMEOUT_MS = 30_000;

interface SkipContext {
  skip(note?: string): never;
  task: { meta: Record<string, unknown> };
}

/**
 * Skips a test the target cannot run (runOnRequirements). The reason is also put in the
 * task's meta, so the spec report can tell "not applicable here" from a skip-table row.
 */
function skipNotApplicable(args: unknown[], reason: string): never {
  const ctx = skipper(args);
  ctx.task.meta.notApplicable = reason;
  return ctx.skip(reason);
}

/** vitest passes its test context as the first argument; SpecCase.run is typed without one. */
function skipper(args: unknown[]): SkipContext {
  const ctx = args[0];
  if ((typeof ctx === 'object' || typeof ctx === 'function') && ctx !== null && typeof (ctx as { skip?: unknown }).skip === 'function') {
    return ctx as SkipContext;
  }
  throw new Error('vitest test context with skip() not available');
}

function isUnifiedFile(content: unknown): boolean {
  return typeof content === 'object' && content !== null && 'schemaVersion' in content && 'tests' in content;
}

/** The targets of this vitest file, released after it. */
function filePool(options: TargetPoolOptions): TargetPool {
  const pool = new TargetPool(options);
  afterAll(() => pool.stop(), 20_000);
  return pool;
}

export interface UnifiedSuiteOptions {
  /** Spec folder, e.g. "crud". */
  spec: string;
  /** Sub-folder holding unified files, e.g. "unified" ("" = the whole spec folder). */
  sub?: string;
  /** Report name before "@<adapter>"; default: the spec folder. */
  reportName?: string;
  adapter: DriverAdapter;
  /** The one server to start for every test (ignored when MONGODB_URI is set); default a standalone. */
  topology?: TargetTopology;
  /**
   * Per-test choice instead: each test runs on the first of these, in order, that meets its
   * runOnRequirements (each started only if a test needs it). Exclusive with `topology`.
   */
  topologies?: readonly TargetTopology[];
  /** The embedded server enforces authentication and the runner's uri carries a user (ignored with MONGODB_URI). */
  auth?: boolean;
  /** With auth: the embedded server also simulates the OIDC identity provider and test users of the auth spec (target.ts). */
  oidc?: boolean;
  /** Members of the embedded 'replicaset' target (default 1; the SDAM suite uses the drivers' usual 3). */
  replicaSetMembers?: number;
  /** How `loop` operations are stopped (no corpus test uses loop). */
  loop?: LoopControl;
}

/** The standalone when the test admits it, else the one-member replica set rs0, else the sharded cluster. */
export const PER_TEST_TARGETS: readonly TargetTopology[] = ['single', 'replicaset', 'sharded'];

/** Suites needing sessions and txnNumber: the one-member replica set rs0, else the sharded cluster (sharded-only tests). */
export const REPLICA_SET_TARGETS: readonly TargetTopology[] = ['replicaset', 'sharded'];

/** Load-balancer suites: the simulated load balancer, and the standalone for the tests that forbid one. */
export const LOAD_BALANCED_TARGETS: readonly TargetTopology[] = ['load-balanced', 'single'];

function suiteTopologies(options: UnifiedSuiteOptions): readonly TargetTopology[] {
  if (options.topology !== undefined && options.topologies !== undefined) {
    throw new Error(`registerUnifiedSuite(${options.spec}): give either topology or topologies, not both`);
  }
  return options.topologies ?? [options.topology ?? 'single'];
}

/** "@<adapter>", or nothing for the driver under test (an adapter named ""): its suites carry the plain spec name. */
function suiteSuffix(adapter: DriverAdapter): string {
  return adapter.name === '' ? '' : `@${adapter.name}`;
}

function loadOrFailure(content: unknown, name: string): UnifiedFile | Error {
  try {
    return loadUnifiedFile(content, name);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Every test of every unified file in the folder: each must pass (or be skipped by its requirements). */
export function registerUnifiedSuite(options: UnifiedSuiteOptions): void {
  const pool = filePool({ adapter: options.adapter, topologies: suiteTopologies(options), auth: options.auth, oidc: options.oidc, replicaSetMembers: options.replicaSetMembers, loop: options.loop });
  const cases: SpecCase[] = [];
  for (const f of specFiles(options.spec, options.sub ?? '')) {
    if (!isUnifiedFile(f.content)) continue;
    const file = loadOrFailure(f.content, f.name);
    if (file instanceof Error) {
      cases.push({ file: f.name, name: '(file)', run: () => { throw file; } });
      continue;
    }
    for (const test of file.tests) {
      cases.push({
        file: f.name,
        name: test.description,
        timeout: TEST_TIMEOUT_MS,
        run: async (...args: unknown[]) => {
          const choice = await pool.choose(file, test);
          if ('notApplicable' in choice) skipNotApplicable(args, choice.notApplicable);
          else await runUnifiedTest(choice.env, file, test);
        },
      });
    }
  }
  registerSpecSuite(`${options.reportName ?? options.spec}${suiteSuffix(options.adapter)}`, cases);
}

/** valid-fail: one case per file, passing only when every runnable test of the file fails. */
export function registerValidFailSuite(adapter: DriverAdapter): void {
  const pool = filePool({ adapter, topologies: ['single'] });
  const cases: SpecCase[] = specFiles('unified-test-format', 'valid-fail').map((f) => ({
    file: f.name,
    name: 'running this file fails',
    timeout: TEST_TIMEOUT_MS,
    run: async (...args: unknown[]) => {
      const file = loadOrFailure(f.content, f.name);
      if (file instanceof Error) return; // rejected at load time: that is a failure of the file, as required
      let ran = 0;
      let lastSkip = '';
      for (const test of file.tests) {
        const choice = await pool.choose(file, test);
        if ('notApplicable' in choice) {
          lastSkip = choice.notApplicable;
          continue;
        }
        ran++;
        let threw = false;
        try {
          await runUnifiedTest(choice.env, file, test);
        } catch {
          threw = true;
        }
        if (!threw) throw new Error(`valid-fail test "${test.description}" passed but must fail`);
      }
      if (ran === 0) skipNotApplicable(args, lastSkip);
    },
  }));
  registerSpecSuite(`unified-test-format-valid-fail${suiteSuffix(adapter)}`, cases);
}

/** invalid/: every file must be rejected by the loader (no driver or server involved). */
export function registerInvalidSuite(): void {
  const cases: SpecCase[] = specFiles('unified-test-format', 'invalid').map((f) => ({
    file: f.name,
    name: 'is rejected by the loader',
    run: () => {
      const result = loadOrFailure(f.content, f.name);
      if (!(result instanceof Error)) throw new Error(`${f.name} was accepted but is invalid`);
    },
  }));
  registerSpecSuite('unified-test-format-invalid', cases);
}
