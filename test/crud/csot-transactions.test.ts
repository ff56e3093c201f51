// CSOT for sessions: withTransaction bounded by timeoutMS instead of 120 s, the deadline it
// shares with the callback's operations, and defaultTimeoutMS on commit/abort. Fake target and clock.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoInvalidArgumentError, MongoOperationTimeoutError, MongoServerError } from '../../src/errors.js';
import { runWithTransaction, type WithTransactionEnvironment } from '../../src/sessions/with-transaction.js';
import { FakeTarget, type Responder } from './support/fake-target.js';

function replicaSet(respond: Responder, uri = 'mongodb://host0:27017/?replicaSet=rs0') {
  const target = new FakeTarget(respond, 'ReplicaSetWithPrimary', ['RSPrimary']);
  const client = new Client(uri, { targetFactory: () => target });
  return { client, coll: client.db('db').collection('c'), bodies: (): Document[] => target.sent.map((s) => s.body) };
}

function environment(): WithTransactionEnvironment & { time: number } {
  const env = { time: 0, now: () => env.time, random: () => 0, sleep: async (ms: number) => void (env.time += ms) };
  return env;
}

const ok: Responder = () => ({ ok: 1, n: 1 });

describe('withTransaction under timeoutMS', () => {
  it('gives up once timeoutMS (not 120 s) has passed, with the last transient error as cause', async () => {
    const { client } = replicaSet(ok);
    const env = environment();
    const transient = new MongoServerError({ ok: 0, code: 112, codeName: 'WriteConflict', errmsg: 'conflict', errorLabels: ['TransientTransactionError'] });
    let calls = 0;
    const error = await runWithTransaction(
      client.startSession(),
      async () => {
        calls += 1;
        env.time += 300;
        throw transient;
      },
      undefined,
      env,
      1000,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoOperationTimeoutError);
    expect((error as Error).cause).toBe(transient);
    expect(calls).toBe(4);
  });

  it('puts the deadline on the session for the callback, and refuses an operation-level timeoutMS there', async () => {
    const { client, coll, bodies } = replicaSet(ok);
    const session = client.startSession();
    await session.withTransaction(
      async (s) => {
        expect(s.timeoutContext?.timeoutMS).toBe(5000);
        await coll.insertOne({ _id: 1 }, { session: s });
        await expect(coll.insertOne({ _id: 2 }, { session: s, timeoutMS: 10 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
      },
      { timeoutMS: 5000 },
    );
    expect(session.timeoutContext).toBeUndefined();
    const insert = bodies().find((b) => b.insert !== undefined);
    const commit = bodies().find((b) => b.commitTransaction !== undefined);
    expect(typeof insert?.maxTimeMS).toBe('number');
    expect(typeof commit?.maxTimeMS).toBe('number');
  });

  it('keeps the 120 s behaviour without timeoutMS (no maxTimeMS sent)', async () => {
    const { client, coll, bodies } = replicaSet(ok);
    await client.startSession().withTransaction(async (s) => {
      await coll.insertOne({ _id: 1 }, { session: s });
    });
    for (const body of bodies()) expect(body).not.toHaveProperty('maxTimeMS');
  });
});

describe('defaultTimeoutMS', () => {
  it('is inherited from the client and applies to commitTransaction, replacing maxCommitTimeMS', async () => {
    const { client, coll, bodies } = replicaSet(ok, 'mongodb://host0:27017/?replicaSet=rs0&timeoutMS=700');
    const session = client.startSession();
    expect(session.defaultTimeoutMS).toBe(700);
    session.startTransaction({ maxCommitTimeMS: 50_000 });
    await coll.insertOne({ _id: 1 }, { session });
    await session.commitTransaction();
    const commit = bodies().find((b) => b.commitTransaction !== undefined);
    expect(commit?.maxTimeMS).toBeLessThanOrEqual(700);
  });

  it('can be overridden per session and per call', async () => {
    const { client, coll, bodies } = replicaSet(ok);
    const session = client.startSession({ defaultTimeoutMS: 0 });
    session.startTransaction();
    await coll.insertOne({ _id: 1 }, { session });
    await session.abortTransaction({ timeoutMS: 300 });
    const abort = bodies().find((b) => b.abortTransaction !== undefined);
    expect(abort?.maxTimeMS).toBeLessThanOrEqual(300);
    expect(() => client.startSession({ defaultTimeoutMS: -1 })).toThrow(MongoInvalidArgumentError);
  });
});
