// The `loop` special operation, run by the real runner on hand-written unified test documents
// (no corpus file uses loop) against the embedded server, with the mongrove driver.
import { afterAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { mongroveAdapter } from './adapters/mongrove.js';
import type { LoopControl, RunnerEnv } from './context.js';
import type { EntityMap } from './entities.js';
import { loadUnifiedFile } from './loader.js';
import { runUnifiedTest } from './runner.js';
import { TargetPool } from './target-pool.js';

const DB = 'loop-tests';
const COLL = 'coll0';

const pool = new TargetPool({ adapter: mongroveAdapter, topologies: ['single'] });
afterAll(() => pool.stop(), 20_000);

async function envWith(loop: LoopControl | undefined): Promise<RunnerEnv> {
  const env = await pool.envFor('single');
  return loop === undefined ? env : { ...env, loop };
}

function unifiedDocument(operations: Document[]): Document {
  return {
    description: 'loop',
    schemaVersion: '1.2',
    createEntities: [
      { client: { id: 'client0' } },
      { database: { id: 'database0', client: 'client0', databaseName: DB } },
      { collection: { id: 'collection0', database: 'database0', collectionName: COLL } },
    ],
    initialData: [{ databaseName: DB, collectionName: COLL, documents: [] }],
    tests: [{ description: 'loop test', operations }],
  };
}

/** Runs the one test of the document and returns the entity values it left, by name. */
async function run(loop: LoopControl | undefined, operations: Document[]): Promise<Map<string, unknown>> {
  const file = loadUnifiedFile(unifiedDocument(operations), 'loop.json');
  const values = new Map<string, unknown>();
  const inspect = (entities: EntityMap): void => {
    for (const [name, entity] of entities.entries()) if (entity.kind === 'value') values.set(name, entity.value);
  };
  await runUnifiedTest(await envWith(loop), file, file.tests[0], { inspect });
  return values;
}

const insertX = { name: 'insertOne', object: 'collection0', arguments: { document: { x: 1 } } };
const insertId1 = { name: 'insertOne', object: 'collection0', arguments: { document: { _id: 1 } } };
/** An assertion that never holds: the document with _id 1 is not { _id: 2 }. */
const wrongFind = { name: 'find', object: 'collection0', arguments: { filter: { _id: 1 } }, expectResult: [{ _id: 2 }] };

function loopOp(args: Document): Document {
  return { name: 'loop', object: 'testRunner', arguments: args };
}

function records(value: unknown): { error: string; time: number }[] {
  expect(Array.isArray(value)).toBe(true);
  return value as { error: string; time: number }[];
}

describe('unified runner: loop', () => {
  it('counts iterations and successes and stores errors and failures apart, stopping after maxIterations', async () => {
    const before = Date.now() / 1000;
    const values = await run({ maxIterations: 4 }, [
      loopOp({
        operations: [insertX, insertId1, wrongFind],
        storeIterationsAsEntity: 'iterations',
        storeSuccessesAsEntity: 'successes',
        storeErrorsAsEntity: 'errors',
        storeFailuresAsEntity: 'failures',
      }),
      // Runs after the loop: one { x: 1 } per iteration, so the count equals the stored iteration count.
      { name: 'countDocuments', object: 'collection0', arguments: { filter: { x: 1 } }, expectResult: { $$matchesEntity: 'iterations' } },
    ]);
    expect(values.get('iterations')).toBe(4);
    // Iteration 1: both inserts succeed, the find's assertion fails. Iterations 2-4: the x insert
    // succeeds, the _id 1 insert raises a duplicate key error, ending the iteration.
    expect(values.get('successes')).toBe(2 + 3);
    const failures = records(values.get('failures'));
    const errors = records(values.get('errors'));
    expect(failures).toHaveLength(1);
    expect(failures[0].error).toMatch(/_id/u);
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(e.error).toMatch(/duplicate key|E11000/iu);
      expect(e.time).toBeGreaterThanOrEqual(before - 1);
      expect(e.time).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    }
  });

  it('stores failures among the errors when storeFailuresAsEntity is absent', async () => {
    const values = await run({ maxIterations: 3 }, [
      loopOp({ operations: [insertX, insertId1, wrongFind], storeErrorsAsEntity: 'errors', storeIterationsAsEntity: 'iterations' }),
    ]);
    expect(values.get('iterations')).toBe(3);
    const errors = records(values.get('errors'));
    expect(errors).toHaveLength(3);
    expect(errors[0].error).not.toMatch(/duplicate key|E11000/iu);
    expect(errors[1].error).toMatch(/duplicate key|E11000/iu);
    expect(values.has('failures')).toBe(false);
  });

  it('stops on the abort signal, starts no further loop and skips the operations after it', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 150);
    try {
      const values = await run({ signal: controller.signal }, [
        loopOp({ operations: [insertX], storeIterationsAsEntity: 'iterations', storeSuccessesAsEntity: 'successes' }),
        loopOp({ operations: [insertX], storeIterationsAsEntity: 'laterIterations' }),
        // Skipped once stopped: it would fail the test otherwise.
        { name: 'countDocuments', object: 'collection0', arguments: { filter: {} }, expectResult: -1 },
      ]);
      expect(controller.signal.aborted).toBe(true);
      const iterations = values.get('iterations');
      expect(typeof iterations).toBe('number');
      expect(iterations).toBeGreaterThan(0);
      expect(values.get('successes')).toBe(iterations);
      expect(values.has('laterIterations')).toBe(false);
      const env = await envWith(undefined);
      const count = await env.internal.database(DB).collection(COLL).run('countDocuments', { filter: {} });
      expect(count).toBe(iterations);
    } finally {
      clearTimeout(timer);
    }
  });

  it('fails the test with the error when there is no entity to store it in', async () => {
    await expect(run({ maxIterations: 3 }, [loopOp({ operations: [insertId1], storeIterationsAsEntity: 'iterations' })])).rejects.toThrow(/duplicate key|E11000/iu);
  });

  it('refuses to loop when the runner has no stop request', async () => {
    await expect(run(undefined, [loopOp({ operations: [insertX] })])).rejects.toThrow(/no stop request/u);
  });

  it('rejects a loop without operations', async () => {
    await expect(run({ maxIterations: 1 }, [loopOp({ operations: [] })])).rejects.toThrow(/"operations" must be a non-empty array/u);
  });
});
