// Executing one operation: argument preparation, dispatch to the entity's handle
// (or to the special test operations) and the expectResult / expectError checks.
import type { Document } from '../../src/bson.js';
import { InvalidArgumentsError, UnsupportedOperationError, isHandle, type CollectionHandle, type CursorHandle, type OperationArgs } from './adapter.js';
import { isDocument, show } from './bson-values.js';
import type { ExecuteOptions, TestContext } from './context.js';
import { assertExpectedError } from './expected-error.js';
import { assertMatches, MatchError } from './matcher.js';
import type { Operation } from './model.js';
import { runSpecialOperation } from './special-ops.js';

/** Operations whose result is an iterable of documents: each element is matched as a root-level document. */
const ITERABLE_RESULTS = new Set([
  'find', 'aggregate', 'listCollections', 'listCollectionObjects', 'listDatabases', 'listDatabaseObjects',
  'listIndexes', 'listSearchIndexes', 'runCursorCommand',
]);

const HEX = /^(?:[0-9a-f]{2})*$/iu;

function hexBytes(value: unknown): Uint8Array {
  const hex = isDocument(value) ? value.$$hexBytes : undefined;
  if (typeof hex !== 'string' || !HEX.test(hex) || Object.keys(value as Document).length !== 1) {
    throw new Error(`source must be { $$hexBytes: <even-length hex string> }, got ${show(value)}`);
  }
  return Buffer.from(hex, 'hex');
}

function prepareArguments(ctx: TestContext, op: Operation): OperationArgs {
  const args: OperationArgs = { ...(op.arguments ?? {}) };
  if (typeof args.session === 'string') args.session = ctx.entities.session(args.session);
  if (op.name === 'withTransaction') {
    const callback = (args.callback ?? []) as Operation[];
    args.callback = async () => {
      for (const inner of callback) await ctx.execute(inner, { propagateErrors: true });
    };
  }
  if ((op.name === 'upload' || op.name === 'uploadWithId') && 'source' in args) args.source = hexBytes(args.source);
  return args;
}

/** Resolves the entity and arguments (runner errors surface here), returning the call to make. */
function prepare(ctx: TestContext, op: Operation): () => Promise<unknown> {
  const entity = ctx.entities.get(op.object);
  const args = prepareArguments(ctx, op);
  switch (entity.kind) {
    case 'client':
      return () => {
        if (op.name === 'close') entity.closed = true;
        return entity.handle.run(op.name, args);
      };
    case 'database':
    case 'collection':
    case 'session':
    case 'bucket':
    case 'cursor':
      return () => entity.handle.run(op.name, args);
    default:
      throw new UnsupportedOperationError(entity.kind, op.name);
  }
}

function saveResult(ctx: TestContext, name: string, result: unknown): void {
  if (result === undefined) throw new Error(`saveResultAsEntity "${name}": the operation returned no result`);
  if (!isHandle(result)) ctx.entities.set(name, { kind: 'value', value: result });
  else if (result.kind === 'cursor') ctx.entities.set(name, { kind: 'cursor', handle: result as CursorHandle });
  else if (result.kind === 'collection') ctx.entities.set(name, { kind: 'collection', handle: result as CollectionHandle });
  else throw new Error(`saveResultAsEntity "${name}": cannot store a ${result.kind} handle`);
}

/** Errors that mean the runner or the test is broken, never a driver outcome to assert on. */
function isRunnerError(e: unknown): boolean {
  return e instanceof UnsupportedOperationError || e instanceof InvalidArgumentsError || e instanceof MatchError;
}

export async function executeOperation(ctx: TestContext, op: Operation, options: ExecuteOptions = {}): Promise<void> {
  if (op.object === 'testRunner') {
    await runSpecialOperation(ctx, op);
    return;
  }
  const call = prepare(ctx, op);
  let result: unknown;
  let error: unknown;
  let failed = false;
  try {
    result = await call();
  } catch (e) {
    if (isRunnerError(e)) throw e;
    failed = true;
    error = e;
  }
  const label = `operation ${op.name} on ${op.object}`;
  if (op.ignoreResultAndError) {
    if (failed && options.propagateErrors) throw error;
    return;
  }
  if (op.expectError) {
    if (!failed) throw new Error(`${label}: expected an error but it succeeded with ${show(result)}`);
    assertExpectedError(op.expectError, ctx.env.adapter.describeError(error), ctx.match);
    if (options.propagateErrors) throw error;
    return;
  }
  if (failed) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${label} failed unexpectedly: ${message}`, { cause: error });
  }
  if ('expectResult' in op) {
    try {
      assertMatches(op.expectResult, result, { root: true, rootElements: ITERABLE_RESULTS.has(op.name), context: ctx.match });
    } catch (e) {
      if (e instanceof MatchError) throw new MatchError(e.path, `${label}: ${e.message}`);
      throw e;
    }
  }
  if (op.saveResultAsEntity !== undefined) saveResult(ctx, op.saveResultAsEntity, result);
}
