// Executing one test of a unified test file ("Executing a Test" in the spec).
import type { Document } from '../../src/bson.js';
import type { RunnerEnv, TestContext } from './context.js';
import { createEntity, gossipToSessions } from './create-entities.js';
import { EntityMap } from './entities.js';
import { assertExpectedEvents, assertExpectedLogs } from './events.js';
import { assertMatches, type MatchContext } from './matcher.js';
import type { CollectionData, UnifiedFile, UnifiedTest } from './model.js';
import { executeOperation } from './operations.js';
import { unmetRequirements } from './requirements.js';
import { distinctOnEveryMongos, gossipsClusterTime, onEveryOtherMongos, internalClusterTime, mightRunDistinct, targetCollections } from './sharded-workarounds.js';

const MAJORITY = { w: 'majority' };
const NAMESPACE_NOT_FOUND = 26;

async function command(env: RunnerEnv, db: string, cmd: Document): Promise<unknown> {
  return env.internal.database(db).run('runCommand', { command: cmd, commandName: Object.keys(cmd)[0] });
}

/**
 * killAllSessions ends open transactions left by earlier tests, on the primary or, on a sharded
 * target, on each mongos ("killAllSessions" in unified-test-format.md); failures are ignored
 * (the spec allows Interrupted and Unauthorized, and a missing command leaves nothing to do).
 */
export async function killAllSessions(env: RunnerEnv): Promise<void> {
  const kill = { command: { killAllSessions: [] }, commandName: 'killAllSessions' };
  await env.internal.database('admin').run('runCommand', kill).catch(() => undefined);
  await onEveryOtherMongos(env, (client) => client.database('admin').run('runCommand', kill)).catch(() => undefined);
}

async function dropIgnoringMissing(env: RunnerEnv, db: string, coll: string): Promise<void> {
  try {
    await command(env, db, { drop: coll, writeConcern: MAJORITY });
  } catch (e) {
    if (env.adapter.describeError(e).code !== NAMESPACE_NOT_FOUND) throw e;
  }
}

async function setupInitialData(env: RunnerEnv, data: CollectionData[]): Promise<void> {
  for (const c of data) {
    await dropIgnoringMissing(env, c.databaseName, c.collectionName);
    if (c.createOptions?.encryptedFields !== undefined) {
      await dropIgnoringMissing(env, c.databaseName, `enxcol_.${c.collectionName}.esc`);
      await dropIgnoringMissing(env, c.databaseName, `enxcol_.${c.collectionName}.ecoc`);
    }
    if (c.createOptions || c.documents.length === 0) {
      await command(env, c.databaseName, { create: c.collectionName, ...c.createOptions, writeConcern: MAJORITY });
    }
    if (c.documents.length > 0) {
      await command(env, c.databaseName, { insert: c.collectionName, documents: c.documents, writeConcern: MAJORITY });
    }
  }
}

async function assertOutcome(env: RunnerEnv, outcome: CollectionData[]): Promise<void> {
  for (const c of outcome) {
    const coll = env.internal.database(c.databaseName).collection(c.collectionName, { readConcern: { level: 'local' }, readPreference: { mode: 'primary' } });
    const actual = await coll.run('find', { filter: {}, sort: { _id: 1 } });
    // Outcome documents must match exactly (no extra fields anywhere), key order aside.
    assertMatches(c.documents, actual, { root: false, path: `outcome(${c.databaseName}.${c.collectionName})` });
  }
}

function matchContext(entities: EntityMap): MatchContext {
  return {
    entity: (name) => entities.valueOf(name),
    sessionLsid: (name) => entities.session(name).lsid,
  };
}

/** Why the test must be skipped, or undefined to run it. */
export async function skipReasonFor(env: RunnerEnv, file: UnifiedFile, test: UnifiedTest): Promise<string | undefined> {
  if (test.skipReason !== undefined) return `skipReason: ${test.skipReason}`;
  return (await unmetRequirements(file.runOnRequirements, env.info)) ?? (await unmetRequirements(test.runOnRequirements, env.info));
}

export interface RunTestOptions {
  /** Sees the entity map after the operations and assertions, before cleanup (the runner's own tests). */
  inspect?: (entities: EntityMap) => void;
}

/** The loop stop request (RunnerEnv.loop.signal) also ends the test early, successfully (see loop.ts). */
function stopRequested(env: RunnerEnv): boolean {
  return env.loop?.signal?.aborted === true;
}

export async function runUnifiedTest(env: RunnerEnv, file: UnifiedFile, test: UnifiedTest, options: RunTestOptions = {}): Promise<void> {
  const entities = new EntityMap();
  const ctx: TestContext = {
    env,
    entities,
    failPoints: [],
    match: matchContext(entities),
    usesFailPoints: JSON.stringify(test.operations).includes('ailPoint'),
    execute: (op, options) => executeOperation(ctx, op, options),
  };
  const stopObserving = (): void => {
    for (const [, e] of entities.entries()) if (e.kind === 'client') e.listening = false;
  };
  try {
    await killAllSessions(env);
    await setupInitialData(env, file.initialData ?? []);
    if (gossipsClusterTime(env)) gossipToSessions(ctx, await internalClusterTime(env));
    for (const spec of file.createEntities ?? []) await createEntity(ctx, spec);
    if (mightRunDistinct(test)) await distinctOnEveryMongos(env, targetCollections(file.createEntities ?? []));
    for (const op of test.operations) {
      if (stopRequested(env)) break;
      await ctx.execute(op);
    }
    stopObserving();
    await disableFailPoints(ctx);
    // A stopped test ends as soon as practical and counts as a success: its expectations are not checked.
    if (!stopRequested(env)) {
      for (const expected of test.expectEvents ?? []) assertExpectedEvents(expected, entities.client(expected.client), ctx.match);
      for (const expected of test.expectLogMessages ?? []) assertExpectedLogs(expected, entities.client(expected.client), ctx.match);
      if (test.expectTracingMessages) throw new Error('expectTracingMessages is not supported by this runner');
      await assertOutcome(env, test.outcome ?? []);
    }
    options.inspect?.(entities);
  } finally {
    stopObserving();
    await disableFailPoints(ctx).catch(() => {});
    await entities.closeAll();
    await killAllSessions(env);
  }
}

/** Turns every fail point the test enabled off again, on the client (server) that enabled it. */
async function disableFailPoints(ctx: TestContext): Promise<void> {
  const pending = ctx.failPoints.splice(0);
  for (const fp of pending) {
    const off = { configureFailPoint: fp.name, mode: 'off' };
    try {
      await fp.client.database('admin').run('runCommand', { command: off, commandName: 'configureFailPoint' });
    } catch {
      // The entity client may be closed by the test: fall back to the internal client (same single server).
      await command(ctx.env, 'admin', off);
    } finally {
      if (fp.ownsClient) await fp.client.close().catch(() => {});
    }
  }
}
