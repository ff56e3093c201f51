// The `loop` special operation (unified test format, schema 1.2 until its removal in 1.24; used by
// Atlas workload testing): run `operations` over and over until the runner is told to stop.
// - storeIterationsAsEntity / storeSuccessesAsEntity: counts of iterations run and of sub-operations
//   that succeeded, kept up to date in the named entities (numbers, starting at 0).
// - storeErrorsAsEntity / storeFailuresAsEntity: arrays of { error, time } documents, time being
//   seconds since the epoch. A failure is an assertion that did not hold (expectResult/expectError);
//   an error is the operation itself raising. Without storeFailuresAsEntity failures count as errors;
//   whatever has no entity to go to ends the loop and fails the test.
// - An error or failure ends the current iteration; the next one starts with the first sub-operation.
// The stop request is RunnerEnv.loop (an AbortSignal and/or maxIterations): the iteration under way
// runs to its end, and no further iteration (or later loop) starts.
import { InvalidArgumentsError, UnsupportedOperationError } from './adapter.js';
import { isDocument, show } from './bson-values.js';
import type { LoopControl, TestContext } from './context.js';
import { MatchError } from './matcher.js';
import type { Operation } from './model.js';

interface LoopArguments {
  operations: Operation[];
  errors?: string;
  failures?: string;
  successes?: string;
  iterations?: string;
}

function optionalName(op: Operation, key: string): string | undefined {
  const value = op.arguments?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentsError(op.name, `argument "${key}" must be an entity name, got ${show(value)}`);
  return value;
}

function parseArguments(op: Operation): LoopArguments {
  const operations = op.arguments?.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new InvalidArgumentsError(op.name, `argument "operations" must be a non-empty array, got ${show(operations)}`);
  }
  return {
    operations: operations as Operation[],
    errors: optionalName(op, 'storeErrorsAsEntity'),
    failures: optionalName(op, 'storeFailuresAsEntity'),
    successes: optionalName(op, 'storeSuccessesAsEntity'),
    iterations: optionalName(op, 'storeIterationsAsEntity'),
  };
}

/** A value entity the loop keeps current; a name reused by a later loop starts over. */
function valueSlot(ctx: TestContext, name: string | undefined, initial: unknown): { value: unknown } | undefined {
  if (name === undefined) return undefined;
  if (!ctx.entities.has(name)) ctx.entities.set(name, { kind: 'value', value: initial });
  const entity = ctx.entities.get(name);
  if (entity.kind !== 'value') throw new Error(`loop: entity "${name}" is a ${entity.kind}, not a stored value`);
  entity.value = initial;
  return entity;
}

/**
 * A fresh copy of a sub-operation for each run: drivers may change the documents they are given
 * (an insert adds _id), which must not leak into the next iteration. BSON values are left shared.
 */
function fresh<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => fresh(v)) as T;
  if (isDocument(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fresh(v)])) as T;
  }
  return value;
}

/** Runner errors mean the test document or the runner is broken: looping cannot help. */
function isRunnerError(e: unknown): boolean {
  return e instanceof UnsupportedOperationError || e instanceof InvalidArgumentsError;
}

/** The operation itself raised (the runner wraps that with a cause); anything else is an assertion. */
function isFailure(e: unknown): boolean {
  return e instanceof MatchError || !(e instanceof Error) || e.cause === undefined;
}

function describe(e: unknown): { error: string; time: number } {
  return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), time: Date.now() / 1000 };
}

function stopRequested(control: LoopControl, iterations: number): boolean {
  return control.signal?.aborted === true || (control.maxIterations !== undefined && iterations >= control.maxIterations);
}

export async function runLoop(ctx: TestContext, op: Operation): Promise<void> {
  const args = parseArguments(op);
  const control = ctx.env.loop;
  if (!control || (control.signal === undefined && control.maxIterations === undefined)) {
    throw new Error('loop: the runner has no stop request for loops (set RunnerEnv.loop.signal or .maxIterations, e.g. the suite option `loop`)');
  }
  const errors = valueSlot(ctx, args.errors, []);
  const failures = valueSlot(ctx, args.failures, []);
  const successes = valueSlot(ctx, args.successes, 0);
  const iterations = valueSlot(ctx, args.iterations, 0);
  let iterationCount = 0;
  let successCount = 0;
  while (!stopRequested(control, iterationCount)) {
    for (const sub of args.operations) {
      try {
        await ctx.execute(fresh(sub));
      } catch (e) {
        if (isRunnerError(e)) throw e;
        const target = isFailure(e) ? (failures ?? errors) : errors;
        if (target === undefined) throw e;
        (target.value as unknown[]).push(describe(e));
        break;
      }
      successCount++;
      if (successes) successes.value = successCount;
    }
    iterationCount++;
    if (iterations) iterations.value = iterationCount;
    // Let timers and I/O callbacks (such as the one that aborts the signal) run between iterations.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
