// The convenient transactions API's prose tests (transactions-convenient-api/tests/README.md),
// with the clock, jitter and sleep of withTransaction replaced so nothing waits for real.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoError, MongoOperationTimeoutError, MongoServerError } from '../../src/errors.js';
import { runWithTransaction, type WithTransactionEnvironment } from '../../src/sessions/with-transaction.js';
import { FakeTarget, type Responder } from '../crud/support/fake-target.js';

function replicaSet(respond: Responder) {
  const target = new FakeTarget(respond, 'ReplicaSetWithPrimary', ['RSPrimary']);
  const client = new Client('mongodb://host0:27017/?replicaSet=rs0', { targetFactory: () => target });
  return { client, coll: client.db('db').collection('c'), bodies: (): Document[] => target.sent.map((s) => s.body) };
}

/** A clock the test moves, a fixed jitter, and sleeps that only advance the clock. */
function environment(jitter: number): WithTransactionEnvironment & { time: number; sleeps: number[] } {
  const env = {
    time: 0,
    sleeps: [] as number[],
    now: () => env.time,
    random: () => jitter,
    sleep: async (ms: number) => {
      env.sleeps.push(ms);
      env.time += ms;
    },
  };
  return env;
}

const ok: Responder = () => ({ ok: 1, n: 1 });
const NO_SUCH_TRANSACTION = { ok: 0, code: 251, codeName: 'NoSuchTransaction', errmsg: 'no such transaction', errorLabels: ['TransientTransactionError'] };

describe('withTransaction prose tests', () => {
  it('Callback Raises a Custom Error: propagated without retries', async () => {
    const { client } = replicaSet(ok);
    class CustomError extends Error {}
    let calls = 0;
    const s = client.startSession();
    await expect(
      s.withTransaction(async () => {
        calls += 1;
        throw new CustomError('mine');
      }),
    ).rejects.toBeInstanceOf(CustomError);
    expect(calls).toBe(1);
  });

  it('Callback Returns a Value: propagated to the caller', async () => {
    const { client } = replicaSet(ok);
    await expect(client.startSession().withTransaction(async () => ({ answer: 'yes' }))).resolves.toEqual({ answer: 'yes' });
  });

  describe('Retry Timeout is Enforced', () => {
    it('a TransientTransactionError from the callback after the timeout: a timeout error with its labels', async () => {
      const { client } = replicaSet(ok);
      const env = environment(0);
      const transient = new MongoServerError({ ok: 0, code: 112, codeName: 'WriteConflict', errmsg: 'conflict', errorLabels: ['TransientTransactionError'] });
      const error = await runWithTransaction(
        client.startSession(),
        async () => {
          env.time = 120_001;
          throw transient;
        },
        undefined,
        env,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoOperationTimeoutError);
      expect((error as MongoError).errorLabels).toEqual(['TransientTransactionError']);
      expect((error as Error).cause).toBe(transient);
    });

    it('an UnknownTransactionCommitResult from commit after the timeout: a timeout error with its labels', async () => {
      const env = environment(0);
      const { client, coll, bodies } = replicaSet((body) => {
        if (body.commitTransaction !== undefined) {
          env.time = 120_001;
          return { ok: 1, writeConcernError: { code: 64, codeName: 'WriteConcernTimeout', errmsg: 'waiting for replication timed out' } };
        }
        return { ok: 1, n: 1 };
      });
      const error = await runWithTransaction(client.startSession(), async (session) => coll.insertOne({ _id: 1 }, { session }), undefined, env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoOperationTimeoutError);
      expect((error as MongoError).hasErrorLabel('UnknownTransactionCommitResult')).toBe(true);
      expect(bodies().filter((b) => b.commitTransaction !== undefined)).toHaveLength(1);
    });

    it('a TransientTransactionError from commit after the timeout: a timeout error with its labels', async () => {
      const env = environment(0);
      const { client, coll } = replicaSet((body) => {
        if (body.commitTransaction !== undefined) {
          env.time = 120_001;
          return NO_SUCH_TRANSACTION;
        }
        return { ok: 1, n: 1 };
      });
      const error = await runWithTransaction(client.startSession(), async (session) => coll.insertOne({ _id: 1 }, { session }), undefined, env).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoOperationTimeoutError);
      expect((error as MongoError).errorLabels).toEqual(['TransientTransactionError']);
    });
  });

  it('Retry Backoff is Enforced: 13 retries back off jitter × min(5 × 1.5^n, 500) ms each', async () => {
    async function run(jitter: number): Promise<number[]> {
      let failures = 13;
      const { client, coll } = replicaSet((body) => (body.commitTransaction !== undefined && failures-- > 0 ? NO_SUCH_TRANSACTION : { ok: 1, n: 1 }));
      const env = environment(jitter);
      await runWithTransaction(client.startSession(), async (session) => coll.insertOne({}, { session }), undefined, env);
      return env.sleeps;
    }
    const none = await run(0);
    expect(none).toHaveLength(13);
    expect(none.every((ms) => ms === 0)).toBe(true);
    const full = await run(0.999999);
    const total = full.reduce((a, b) => a + b, 0);
    // The README's "roughly 2.3 seconds": 7.5 + 11.25 + … + 500 + 500 ≈ 2282 ms.
    expect(total).toBeGreaterThan(2250);
    expect(total).toBeLessThan(2300);
    expect(full.at(-1)).toBeCloseTo(500, 0);
  });
});
