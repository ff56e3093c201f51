// The client-backpressure overload retry policy in the executor: retryable overload errors
// are retried up to maxAdaptiveRetries times with jittered exponential backoff.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { Executor } from '../../src/crud/executor.js';
import { runCommand } from '../../src/crud/operations/commands.js';
import { FindOneOperation } from '../../src/crud/operations/find.js';
import { InsertOneOperation, UpdateOperation, updateStatement } from '../../src/crud/operations/write.js';
import { overloadBackoffMS, shouldRetryOverload } from '../../src/crud/overload-policy.js';
import { MongoServerError } from '../../src/errors.js';
import { FakeTarget, type Responder } from './support/fake-target.js';

const OVERLOADED: Document = { ok: 0, code: 462, codeName: 'IngressRequestRateLimitExceeded', errmsg: 'rate exceeded', errorLabels: ['SystemOverloadedError', 'RetryableError'] };

/** Fails the first `times` commands with `error`, then answers `success`. */
function failing(times: number, error: Document, success: Document): Responder {
  let left = times;
  return () => (left-- > 0 ? error : success);
}

function setup(respond: Responder, extra: Partial<ConstructorParameters<typeof Executor>[0]> = {}) {
  const target = new FakeTarget(respond, 'ReplicaSetWithPrimary', ['RSPrimary']);
  const executor = new Executor({ target, events: new TypedEventEmitter<ClientEventMap>(), retryReads: true, retryWrites: true, random: () => 0, ...extra });
  return { executor, target };
}

const findOne = () => new FindOneOperation('db', 'c', {}, undefined, {});
const cursorReply = { ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [{ _id: 1 }] } };

describe('overload retry policy', () => {
  it('retries a read twice by default, then reports the overload error', async () => {
    const { executor, target } = setup(failing(5, OVERLOADED, cursorReply));
    await expect(executor.execute(findOne())).rejects.toBeInstanceOf(MongoServerError);
    expect(target.sent).toHaveLength(3);
  });

  it('succeeds when an attempt within maxAdaptiveRetries does', async () => {
    const { executor, target } = setup(failing(2, OVERLOADED, cursorReply));
    await expect(executor.execute(findOne())).resolves.toEqual({ _id: 1 });
    expect(target.sent).toHaveLength(3);
  });

  it('honours maxAdaptiveRetries', async () => {
    const { executor, target } = setup(failing(4, OVERLOADED, cursorReply), { maxAdaptiveRetries: 4 });
    await expect(executor.execute(findOne())).resolves.toEqual({ _id: 1 });
    expect(target.sent).toHaveLength(5);
  });

  it('retries writes that are not retryable writes (updateMany), with the same body', async () => {
    const { executor, target } = setup(failing(1, OVERLOADED, { ok: 1, n: 1, nModified: 1 }));
    await executor.execute(new UpdateOperation('db', 'c', updateStatement({}, { $set: { a: 1 } }, true, undefined), undefined, {}));
    expect(target.sent).toHaveLength(2);
    expect(target.sent[1].body.updates).toEqual(target.sent[0].body.updates);
  });

  it('does not retry when the operation kind has retries turned off', async () => {
    const writes = setup(failing(1, OVERLOADED, { ok: 1, n: 1 }), { retryWrites: false });
    await expect(writes.executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, {}))).rejects.toBeInstanceOf(MongoServerError);
    expect(writes.target.sent).toHaveLength(1);
    // runCommand needs both retryReads and retryWrites.
    const commands = setup(failing(1, OVERLOADED, { ok: 1 }), { retryReads: false });
    await expect(commands.executor.execute(runCommand('db', { ping: 1 }, {}))).rejects.toBeInstanceOf(MongoServerError);
    expect(commands.target.sent).toHaveLength(1);
  });

  it('does not retry an overload error without the RetryableError label', async () => {
    const { executor, target } = setup(failing(1, { ...OVERLOADED, errorLabels: ['SystemOverloadedError'] }, { ok: 1 }));
    await expect(executor.execute(runCommand('db', { ping: 1 }, {}))).rejects.toBeInstanceOf(MongoServerError);
    expect(target.sent).toHaveLength(1);
  });

  it('decides eligibility and backoff by the spec formula', () => {
    const error = new MongoServerError(OVERLOADED);
    expect(shouldRetryOverload(findOne(), error, 1, { retryReads: true, retryWrites: true })).toBe(true);
    expect(shouldRetryOverload(findOne(), error, 2, { retryReads: true, retryWrites: true })).toBe(false);
    expect(overloadBackoffMS(error, 1, () => 1)).toBe(200);
    expect(overloadBackoffMS(error, 2, () => 0.5)).toBe(200);
    expect(overloadBackoffMS(error, 10, () => 1)).toBe(10_000);
    expect(overloadBackoffMS(new MongoServerError({ ...OVERLOADED, baseBackoffMS: 10 }), 1, () => 1)).toBe(20);
  });
});
