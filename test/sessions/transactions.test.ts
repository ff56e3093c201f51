// Transactions through a Client on a scripted replica-set target: the state machine,
// command decoration, commit/abort retries and error labels (transactions spec).
import { describe, expect, it } from 'vitest';
import { Long, Timestamp, type Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoCompatibilityError, MongoError, MongoNetworkError, MongoPoolClearedError, MongoServerError, MongoTransactionError } from '../../src/errors.js';
import { FakeTarget, cursorResponder, type Responder } from '../crud/support/fake-target.js';

const ok: Responder = () => ({ ok: 1, n: 1 });

function replicaSet(respond: Responder = ok, uri = 'mongodb://host0:27017/?replicaSet=rs0') {
  const target = new FakeTarget(respond, 'ReplicaSetWithPrimary', ['RSPrimary']);
  const client = new Client(uri, { targetFactory: () => target });
  const bodies = (): Document[] => target.sent.map((s) => s.body);
  return { client, target, coll: client.db('db').collection('c'), bodies };
}

describe('transaction state machine', () => {
  it('moves none → starting → in_progress → committed, then back to none on the next operation', async () => {
    const { client, coll } = replicaSet();
    const s = client.startSession();
    expect(s.transactionState).toBe('none');
    s.startTransaction();
    expect(s.transactionState).toBe('starting');
    expect(s.inTransaction()).toBe(true);
    await coll.insertOne({ _id: 1 }, { session: s });
    expect(s.transactionState).toBe('in_progress');
    await s.commitTransaction();
    expect(s.transactionState).toBe('committed');
    expect(s.inTransaction()).toBe(false);
    await coll.insertOne({ _id: 2 }, { session: s });
    expect(s.transactionState).toBe('none');
  });

  it('raises the spec messages for invalid transitions without changing state', async () => {
    const { client, coll } = replicaSet();
    const s = client.startSession();
    await expect(s.commitTransaction()).rejects.toThrow('No transaction started');
    await expect(s.abortTransaction()).rejects.toThrow('No transaction started');
    s.startTransaction();
    expect(() => s.startTransaction()).toThrow('Transaction already in progress');
    await coll.insertOne({ _id: 1 }, { session: s });
    expect(() => s.startTransaction()).toThrow(MongoTransactionError);
    await s.abortTransaction();
    await expect(s.abortTransaction()).rejects.toThrow('Cannot call abortTransaction twice');
    await expect(s.commitTransaction()).rejects.toThrow('Cannot call commitTransaction after calling abortTransaction');
    expect(s.transactionState).toBe('aborted');
    s.startTransaction();
    await s.commitTransaction();
    await expect(s.abortTransaction()).rejects.toThrow('Cannot call abortTransaction after calling commitTransaction');
  });

  it('sends nothing for an empty transaction, and nothing when committing it again', async () => {
    const { client, bodies } = replicaSet();
    const s = client.startSession();
    s.startTransaction();
    await s.commitTransaction();
    await s.commitTransaction();
    expect(s.transactionState).toBe('committed_empty');
    s.startTransaction();
    await s.abortTransaction();
    expect(bodies()).toEqual([]);
  });

  it('refuses transactions in snapshot sessions and with unacknowledged write concerns', () => {
    const { client } = replicaSet();
    expect(() => client.startSession({ snapshot: true }).startTransaction()).toThrow(MongoCompatibilityError);
    expect(() => client.startSession().startTransaction({ writeConcern: { w: 0 } })).toThrow('transactions do not support unacknowledged write concerns');
    const w0 = replicaSet(ok, 'mongodb://host0:27017/?replicaSet=rs0&w=0').client;
    expect(() => w0.startSession().startTransaction()).toThrow(/unacknowledged/);
  });

  it('keeps "starting" after a client-side error in the first operation', async () => {
    const { client, coll } = replicaSet();
    const s = client.startSession();
    s.startTransaction();
    await expect(coll.updateOne({ _id: 1 }, { x: 1 }, { session: s })).rejects.toThrow();
    expect(s.transactionState).toBe('starting');
  });

  it('aborts an open transaction when the session ends', async () => {
    const { client, coll, bodies } = replicaSet();
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    await s.endSession();
    expect(bodies().map((b) => Object.keys(b)[0])).toEqual(['insert', 'abortTransaction']);
  });
});

describe('command decoration', () => {
  it('adds txnNumber and autocommit to every statement, startTransaction and readConcern to the first only', async () => {
    const { client, coll, bodies } = replicaSet(ok, 'mongodb://host0:27017/?replicaSet=rs0&readConcernLevel=local&w=1');
    const s = client.startSession();
    s.startTransaction({ readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } });
    await coll.insertOne({ _id: 1 }, { session: s });
    await coll.insertOne({ _id: 2 }, { session: s });
    await s.commitTransaction();
    const [first, second, commit] = bodies();
    expect(first).toMatchObject({ txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false, readConcern: { level: 'snapshot' } });
    expect(first.writeConcern).toBeUndefined();
    expect(second).toMatchObject({ txnNumber: Long.fromNumber(1), autocommit: false });
    expect(second.startTransaction).toBeUndefined();
    expect(second.readConcern).toBeUndefined();
    expect(second.writeConcern).toBeUndefined();
    expect(commit).toMatchObject({ commitTransaction: 1, $db: 'admin', txnNumber: Long.fromNumber(1), autocommit: false, writeConcern: { w: 'majority' } });
    expect(commit.lsid).toEqual(first.lsid);
  });

  it('increments txnNumber once per transaction, and adds afterClusterTime to the first command', async () => {
    const { client, coll, bodies } = replicaSet(() => ({ ok: 1, n: 1, operationTime: new Timestamp({ t: 7, i: 1 }) }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    await s.commitTransaction();
    s.startTransaction();
    await coll.insertOne({ _id: 2 }, { session: s });
    await coll.insertOne({ _id: 3 }, { session: s });
    await s.abortTransaction();
    const sent = bodies();
    expect(sent.map((b) => Number(b.txnNumber))).toEqual([1, 1, 2, 2, 2]);
    expect(sent[0].readConcern).toBeUndefined();
    expect(sent[2].readConcern).toEqual({ afterClusterTime: new Timestamp({ t: 7, i: 1 }) });
    expect(sent[3].readConcern).toBeUndefined();
  });

  it('ignores collection concerns in a transaction and rejects explicit ones', async () => {
    const { client, bodies } = replicaSet();
    const coll = client.db('db').collection('c', { writeConcern: { w: 0 }, readConcern: { level: 'majority' } });
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    expect(bodies()[0].writeConcern).toBeUndefined();
    await expect(coll.insertOne({ _id: 2 }, { session: s, writeConcern: { w: 1 } })).rejects.toThrow('Cannot set write concern after starting a transaction.');
    expect(() => coll.find({}, { session: s, readConcern: { level: 'local' } })).toThrow('Cannot set read concern after starting a transaction.');
  });

  it('requires a primary read preference for reads, but not for writes', async () => {
    const { client, coll } = replicaSet(cursorResponder([{ _id: 1 }], 10));
    const s = client.startSession();
    s.startTransaction({ readPreference: { mode: 'secondary' } });
    await expect(coll.find({}, { session: s }).toArray()).rejects.toThrow(/read preference in a transaction must be primary/i);
    await expect(client.db('db').command({ find: 'c' }, { session: s })).rejects.toThrow(/must be primary/);
    expect(s.transactionState).toBe('starting');
    await s.abortTransaction();
    s.startTransaction();
    const docs = await client.db('db').collection('c', { readPreference: 'secondary' }).find({}, { session: s }).toArray();
    expect(docs).toEqual([{ _id: 1 }]);
  });
});

describe('commit and abort retries', () => {
  it('retries commit once after a network error, with w: majority and wtimeout 10000', async () => {
    let fail = 1;
    const { client, coll, bodies } = replicaSet((body) => {
      if (body.commitTransaction !== undefined && fail-- > 0) return new MongoNetworkError('reset');
      return { ok: 1, n: 1 };
    });
    const s = client.startSession();
    s.startTransaction({ writeConcern: { w: 2, journal: true } });
    await coll.insertOne({ _id: 1 }, { session: s });
    await s.commitTransaction();
    const commits = bodies().filter((b) => b.commitTransaction !== undefined);
    expect(commits.map((c) => c.writeConcern)).toEqual([{ w: 2, j: true }, { w: 'majority', j: true, wtimeout: 10000 }]);
    // Committing again re-sends the command, also with majority.
    await s.commitTransaction();
    expect(bodies().at(-1)?.writeConcern).toEqual({ w: 'majority', j: true, wtimeout: 10000 });
  });

  it('labels a commit that fails twice UnknownTransactionCommitResult (not transient)', async () => {
    const { client, coll } = replicaSet((body) => (body.commitTransaction !== undefined ? new MongoNetworkError('reset') : { ok: 1, n: 1 }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    const error: unknown = await s.commitTransaction().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoError);
    const labels = (error as MongoError).errorLabels;
    expect(labels).toContain('UnknownTransactionCommitResult');
    expect(labels).toContain('RetryableWriteError');
    expect(labels).not.toContain('TransientTransactionError');
    expect(s.transactionState).toBe('committed');
  });

  it('labels write concern failures on commit, except an invalid write concern', async () => {
    let code = 64;
    const { client, coll } = replicaSet((body) => (body.commitTransaction !== undefined ? { ok: 1, writeConcernError: { code, errmsg: 'wc' } } : { ok: 1, n: 1 }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    const timeout = (await s.commitTransaction().catch((e: unknown) => e)) as MongoError;
    expect(timeout.hasErrorLabel('UnknownTransactionCommitResult')).toBe(true);
    code = 100;
    const invalid = (await s.commitTransaction().catch((e: unknown) => e)) as MongoError;
    expect(invalid.hasErrorLabel('UnknownTransactionCommitResult')).toBe(false);
  });

  it('does not retry writes in a transaction, and labels their network errors transient', async () => {
    const { client, coll, bodies } = replicaSet((body) => (body.insert !== undefined ? new MongoNetworkError('reset') : { ok: 1 }));
    const s = client.startSession();
    s.startTransaction();
    const error = (await coll.insertOne({ _id: 1 }, { session: s }).catch((e: unknown) => e)) as MongoError;
    expect(error.errorLabels).toEqual(['TransientTransactionError']);
    expect(bodies().filter((b) => b.insert !== undefined)).toHaveLength(1);
  });

  it('labels a PoolClearedError in a transaction TransientTransactionError (prose test)', async () => {
    const { client, coll, target } = replicaSet();
    target.checkoutFailure = () => new MongoPoolClearedError('host0:27017', 'pool cleared');
    const s = client.startSession();
    s.startTransaction();
    const error = (await coll.insertOne({ _id: 1 }, { session: s }).catch((e: unknown) => e)) as MongoError;
    expect(error).toBeInstanceOf(MongoPoolClearedError);
    expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
  });

  it('retries abort once and swallows its errors', async () => {
    const { client, coll, bodies } = replicaSet((body) => (body.abortTransaction !== undefined ? new MongoServerError({ ok: 0, code: 91, errmsg: 'shutdown', errorLabels: ['RetryableWriteError'] }) : { ok: 1, n: 1 }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    await s.abortTransaction();
    expect(bodies().filter((b) => b.abortTransaction !== undefined)).toHaveLength(2);
    expect(s.transactionState).toBe('aborted');
  });
});

describe('mongos pinning (sharded)', () => {
  function sharded(respond: Responder = ok) {
    const target = new FakeTarget(respond, 'Sharded', ['Mongos', 'Mongos']);
    const client = new Client('mongodb://host0:27017,host1:27017/', { targetFactory: () => target });
    return { client, target, coll: client.db('db').collection('c') };
  }

  it('sends every command of a transaction to the first one\'s mongos, and unpins after it', async () => {
    const { client, target, coll } = sharded((body) => ({ ok: 1, n: 1, recoveryToken: { shard: 'a' }, ...(body.find !== undefined ? { cursor: { id: 0, ns: 'db.c', firstBatch: [] } } : {}) }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    expect(s.isPinned).toBe(true);
    await coll.insertOne({ _id: 2 }, { session: s });
    await coll.find({}, { session: s }).toArray();
    await s.commitTransaction();
    expect(s.isPinned).toBe(true);
    const servers = target.sent.map((x) => x.server);
    expect(new Set(servers).size).toBe(1);
    expect(target.sent.at(-1)?.body.recoveryToken).toEqual({ shard: 'a' });
    await coll.insertOne({ _id: 3 }, { session: s });
    expect(s.isPinned).toBe(false);
  });

  it('unpins after a transient error and after abort', async () => {
    const { client, coll } = sharded((body) => (body.update !== undefined ? new MongoNetworkError('reset') : { ok: 1, n: 1 }));
    const s = client.startSession();
    s.startTransaction();
    await coll.insertOne({ _id: 1 }, { session: s });
    expect(s.isPinned).toBe(true);
    await expect(coll.updateOne({ _id: 1 }, { $set: { a: 1 } }, { session: s })).rejects.toBeInstanceOf(MongoNetworkError);
    expect(s.isPinned).toBe(false);
    await s.abortTransaction();
    s.startTransaction();
    await coll.insertOne({ _id: 2 }, { session: s });
    expect(s.isPinned).toBe(true);
    await s.abortTransaction();
    expect(s.isPinned).toBe(false);
  });
});

describe('withTransaction', () => {
  it('commits after the callback and returns its result', async () => {
    const { client, coll, bodies } = replicaSet();
    const s = client.startSession();
    const result = await s.withTransaction(async (session) => {
      await coll.insertOne({ _id: 1 }, { session });
      return 42;
    });
    expect(result).toBe(42);
    expect(bodies().map((b) => Object.keys(b)[0])).toEqual(['insert', 'commitTransaction']);
  });

  it('retries the whole transaction on a TransientTransactionError', async () => {
    let conflicts = 2;
    const { client, coll, bodies } = replicaSet((body) => {
      if (body.insert !== undefined && conflicts-- > 0) return { ok: 0, code: 112, codeName: 'WriteConflict', errmsg: 'conflict', errorLabels: ['TransientTransactionError'] };
      return { ok: 1, n: 1 };
    });
    const s = client.startSession();
    let calls = 0;
    await s.withTransaction(async (session) => {
      calls += 1;
      await coll.insertOne({ _id: 1 }, { session });
    });
    expect(calls).toBe(3);
    expect(bodies().map((b) => Object.keys(b)[0])).toEqual(['insert', 'abortTransaction', 'insert', 'abortTransaction', 'insert', 'commitTransaction']);
  });

  it('aborts and rethrows a callback error without the transient label', async () => {
    const { client, coll, bodies } = replicaSet();
    const s = client.startSession();
    await expect(
      s.withTransaction(async (session) => {
        await coll.insertOne({ _id: 1 }, { session });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(bodies().map((b) => Object.keys(b)[0])).toEqual(['insert', 'abortTransaction']);
    expect(s.transactionState).toBe('aborted');
  });

  it('retries the commit on UnknownTransactionCommitResult, but not after MaxTimeMSExpired', async () => {
    let failures = 3;
    const { client, coll, bodies } = replicaSet((body) => {
      if (body.commitTransaction !== undefined && failures-- > 0) return { ok: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } };
      return { ok: 1, n: 1 };
    });
    const s = client.startSession();
    await s.withTransaction(async (session) => {
      await coll.insertOne({ _id: 1 }, { session });
    });
    expect(bodies().filter((b) => b.commitTransaction !== undefined)).toHaveLength(4);

    const slow = replicaSet((body) => (body.commitTransaction !== undefined ? { ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'timeout' } : { ok: 1, n: 1 }));
    const s2 = slow.client.startSession();
    const error = (await s2
      .withTransaction(
        async (session) => {
          await slow.coll.insertOne({ _id: 1 }, { session });
        },
        { maxCommitTimeMS: 10 },
      )
      .catch((e: unknown) => e)) as MongoError;
    expect(error.hasErrorLabel('UnknownTransactionCommitResult')).toBe(true);
    const commits = slow.bodies().filter((b) => b.commitTransaction !== undefined);
    expect(commits).toHaveLength(1);
    expect(commits[0].maxTimeMS).toBe(10);
  });
});
