// The executor under timeoutMS: maxTimeMS on the wire, retries bounded by the deadline
// instead of a count, and MaxTimeMSExpired surfacing as a timeout error. Fake target, fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { Executor } from '../../src/crud/executor.js';
import { contextFor } from '../../src/crud/csot.js';
import { FindOneOperation } from '../../src/crud/operations/find.js';
import { MongoOperationTimeoutError, MongoServerError } from '../../src/errors.js';
import { FakeTarget, type Responder } from './support/fake-target.js';

function setup(respond: Responder): { executor: Executor; target: FakeTarget } {
  const target = new FakeTarget(respond);
  const executor = new Executor({ target, events: new TypedEventEmitter<ClientEventMap>(), retryReads: true, retryWrites: true });
  return { executor, target };
}

const EMPTY = { ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] } };
const findOne = (inherited: { timeoutMS?: number; timeoutContext?: ReturnType<typeof contextFor> }, options?: { maxTimeMS?: number }) =>
  new FindOneOperation('db', 'c', {}, options, inherited);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('executor under timeoutMS', () => {
  it('sends maxTimeMS derived from the deadline instead of the deprecated option', async () => {
    const { executor, target } = setup(() => EMPTY);
    await executor.execute(findOne({ timeoutMS: 500 }, { maxTimeMS: 5000 }));
    expect(target.sent[0].body.maxTimeMS).toBe(500);
  });

  it('sends no maxTimeMS with timeoutMS 0, and keeps the deprecated one without timeoutMS', async () => {
    const { executor, target } = setup(() => EMPTY);
    await executor.execute(findOne({ timeoutMS: 0 }, { maxTimeMS: 5000 }));
    await executor.execute(findOne({}, { maxTimeMS: 5000 }));
    expect(target.sent[0].body).not.toHaveProperty('maxTimeMS');
    expect(target.sent[1].body.maxTimeMS).toBe(5000);
  });

  it('retries a retryable error more than once while time is left', async () => {
    let calls = 0;
    const { executor, target } = setup(() => (++calls <= 3 ? new MongoServerError({ ok: 0, code: 7, errmsg: 'HostNotFound' }) : EMPTY));
    await executor.execute(findOne({ timeoutMS: 1000 }));
    expect(target.sent).toHaveLength(4);
  });

  it('retries only once without timeoutMS', async () => {
    const { executor, target } = setup(() => new MongoServerError({ ok: 0, code: 7, errmsg: 'HostNotFound' }));
    await expect(executor.execute(findOne({}))).rejects.toBeInstanceOf(MongoServerError);
    expect(target.sent).toHaveLength(2);
  });

  it('stops retrying at the deadline with a timeout error whose cause is the last error', async () => {
    const { executor, target } = setup(() => {
      vi.advanceTimersByTime(40);
      return new MongoServerError({ ok: 0, code: 7, errmsg: 'HostNotFound' });
    });
    const error: unknown = await executor.execute(findOne({ timeoutMS: 100 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoOperationTimeoutError);
    expect((error as Error).cause).toBeInstanceOf(MongoServerError);
    expect(target.sent.length).toBeGreaterThanOrEqual(2);
    expect(target.sent.length).toBeLessThanOrEqual(3);
  });

  it('turns MaxTimeMSExpired into a timeout error', async () => {
    const { executor } = setup(() => ({ ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' }));
    await expect(executor.execute(findOne({ timeoutMS: 100 }))).rejects.toBeInstanceOf(MongoOperationTimeoutError);
  });

  it('does not send once the deadline has passed', async () => {
    const { executor, target } = setup(() => EMPTY);
    const timeoutContext = contextFor(50);
    vi.advanceTimersByTime(60);
    await expect(executor.execute(findOne({ timeoutMS: 50, timeoutContext }))).rejects.toBeInstanceOf(MongoOperationTimeoutError);
    expect(target.sent).toHaveLength(0);
  });
});
