// Retryable writes (retryable-writes spec) through a Client on a scripted target:
// eligibility, one retry with the same transaction id, labels and which error is reported.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoError, MongoNetworkError, MongoPoolClearedError } from '../../src/errors.js';
import { FakeTarget, type Responder } from './support/fake-target.js';
import type { ServerTypeName, TopologyTypeName } from '../../src/crud/target.js';

interface Setup {
  uri?: string;
  topology?: TopologyTypeName;
  servers?: ServerTypeName[];
  maxWireVersion?: number;
}

function clientOn(respond: Responder, setup: Setup = {}) {
  const target = new FakeTarget(respond, setup.topology ?? 'ReplicaSetWithPrimary', setup.servers ?? ['RSPrimary']);
  if (setup.maxWireVersion !== undefined) for (const s of target.servers) s.description.maxWireVersion = setup.maxWireVersion;
  const client = new Client(setup.uri ?? 'mongodb://host0:27017', { targetFactory: () => target });
  const writes = () => target.sent.map((s) => s.body).filter((b) => !('endSessions' in b));
  return { client, target, coll: client.db('db').collection('c'), writes };
}

/** Answers with the scripted replies in turn, then with `{ ok: 1, n: 1 }`. */
function script(...answers: Array<Document | Error>): Responder {
  let i = 0;
  return () => answers[i++] ?? { ok: 1, n: 1 };
}

const serverError = (code: number, labels: string[] = [], errmsg = 'failed'): Document => ({ ok: 0, code, errmsg, errorLabels: labels });

async function rejection(promise: Promise<unknown>): Promise<MongoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MongoError) return error;
    throw error;
  }
  throw new Error('expected the operation to fail');
}

describe('retryable writes: one retry with the same transaction id', () => {
  it('retries insertOne once after a network error, reusing lsid and txnNumber', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('reset')));
    await coll.insertOne({ _id: 1 });
    const [first, retry] = writes();
    expect(writes()).toHaveLength(2);
    expect(first.txnNumber).toBeDefined();
    expect(retry.txnNumber).toEqual(first.txnNumber);
    expect(retry.lsid).toEqual(first.lsid);
  });

  it('gives each write operation a new, increasing txnNumber', async () => {
    const { coll, writes } = clientOn(script());
    await coll.insertOne({ _id: 1 });
    await coll.updateOne({ _id: 1 }, { $set: { a: 1 } });
    await coll.findOneAndDelete({ _id: 1 });
    const numbers = writes().map((b) => Number(b.txnNumber));
    expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2]);
  });

  it('retries only once, and labels the network error of the retry too', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('a'), new MongoNetworkError('b'), new MongoNetworkError('c')));
    const error = await rejection(coll.deleteOne({ _id: 1 }));
    expect(writes()).toHaveLength(2);
    expect(error.message).toBe('b');
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(true);
  });

  it('retries a server error the server labelled RetryableWriteError', async () => {
    const { coll, writes } = clientOn(script(serverError(91, ['RetryableWriteError'])));
    await coll.replaceOne({ _id: 1 }, { a: 2 });
    expect(writes()).toHaveLength(2);
  });

  it('does not retry an unlabelled error from a 4.4+ server, even with a retryable code, and adds no label', async () => {
    const { coll, writes } = clientOn(script(serverError(91)));
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(writes()).toHaveLength(1);
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);
  });

  it('labels and retries a retryable code from a pre-4.4 server', async () => {
    const { coll, writes } = clientOn(script(serverError(10107), serverError(10107)), { maxWireVersion: 8 });
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(writes()).toHaveLength(2);
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(true);
  });

  it('does not judge writeErrors[].code (pre-4.4), nor a mongos writeConcernError code', async () => {
    const writeError = { ok: 1, n: 0, writeErrors: [{ index: 0, code: 91, errmsg: 'shutting down' }] };
    const { coll, writes } = clientOn(script(writeError), { maxWireVersion: 8 });
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(writes()).toHaveLength(1);
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);

    const wce = { ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'shutting down' } };
    const sharded = clientOn(script(wce), { maxWireVersion: 8, topology: 'Sharded', servers: ['Mongos'] });
    const wceError = await rejection(sharded.coll.insertOne({ _id: 1 }));
    expect(sharded.writes()).toHaveLength(1);
    expect(wceError.hasErrorLabel('RetryableWriteError')).toBe(false);
  });

  it('does not retry a non-retryable error', async () => {
    const { coll, writes } = clientOn(script(serverError(2, [], 'bad value')));
    const error = await rejection(coll.findOneAndUpdate({ _id: 1 }, { $set: { a: 1 } }));
    expect(error.message).toBe('bad value');
    expect(writes()).toHaveLength(1);
  });

  it('retries a labelled write concern error', async () => {
    const wce = { ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'shutting down' }, errorLabels: ['RetryableWriteError'] };
    const { coll, writes } = clientOn(script(wce));
    await coll.updateOne({ _id: 1 }, { $set: { a: 1 } });
    expect(writes()).toHaveLength(2);
  });

  it('retries a labelled write concern error of a bulk write batch with the same txnNumber', async () => {
    const wce = { ok: 1, n: 1, writeConcernError: { code: 91, errmsg: 'shutting down' }, errorLabels: ['RetryableWriteError'] };
    const { coll, writes } = clientOn(script(wce));
    const result = await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    expect(result.insertedCount).toBe(1);
    const [first, retry] = writes();
    expect(writes()).toHaveLength(2);
    expect(retry.txnNumber).toEqual(first.txnNumber);
  });

  it('retries a pool-cleared checkout error, adding the label', async () => {
    let failures = 0;
    const { coll, target, writes } = clientOn(script());
    target.checkoutFailure = (server) => (failures++ === 0 ? new MongoPoolClearedError(server.address, 'pool cleared') : undefined);
    await coll.insertOne({ _id: 1 });
    expect(writes()).toHaveLength(1);
    expect(writes()[0].txnNumber).toBeDefined();
  });
});

describe('retryable writes: which error is reported', () => {
  it('reports the first error when the retry performed no writes', async () => {
    const { coll } = clientOn(script(serverError(91, ['RetryableWriteError'], 'first'), serverError(10107, ['RetryableWriteError', 'NoWritesPerformed'], 'second')));
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toBe('first');
  });

  it('reports the retry error when the first performed no writes but the retry did', async () => {
    const { coll } = clientOn(script(serverError(91, ['RetryableWriteError', 'NoWritesPerformed'], 'first'), serverError(10107, ['RetryableWriteError'], 'second')));
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toBe('second');
  });

  it('reports the first error when neither attempt performed writes', async () => {
    const { coll } = clientOn(script(serverError(91, ['RetryableWriteError', 'NoWritesPerformed'], 'first'), serverError(10107, ['RetryableWriteError', 'NoWritesPerformed'], 'second')));
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toBe('first');
  });

  it('reports the first error when the retry cannot check out a connection', async () => {
    let checkouts = 0;
    const { coll, target } = clientOn(script(new MongoNetworkError('first')));
    target.checkoutFailure = (server) => (checkouts++ === 1 ? new MongoPoolClearedError(server.address, 'second') : undefined);
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toBe('first');
  });

  it('reports the first error when the retry server does not support retryable writes', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('first')), { topology: 'Sharded', servers: ['Mongos', 'Standalone'] });
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toBe('first');
    expect(writes()).toHaveLength(1);
  });

  it('rewrites the MMAPv1 "Transaction numbers" error into actionable advice', async () => {
    const { coll } = clientOn(script(serverError(20, [], 'Transaction numbers are only allowed on storage engines that support document-level locking')));
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(error.message).toMatch(/does not support retryable writes.*retryWrites=false/);
  });

  it('deprioritizes the failed mongos for the retry', async () => {
    const { coll, target } = clientOn(script(new MongoNetworkError('x')), { topology: 'Sharded', servers: ['Mongos', 'Mongos'] });
    await coll.insertOne({ _id: 1 });
    const retrySelection = target.selections.filter((s) => s.operationName === 'insert')[1];
    expect(retrySelection.deprioritized?.map((s) => s.address)).toEqual(['host0:27017']);
  });
});

describe('retryable writes: when writes are not retried', () => {
  it('never retries an unacknowledged (w: 0) write and sends no txnNumber', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('x')));
    await expect(coll.insertOne({ _id: 1 }, { writeConcern: { w: 0 } })).rejects.toThrow('x');
    expect(writes()).toHaveLength(1);
    expect(writes()[0].txnNumber).toBeUndefined();
  });

  it('sends no txnNumber and never retries with retryWrites=false', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('x')), { uri: 'mongodb://host0:27017/?retryWrites=false' });
    const error = await rejection(coll.insertOne({ _id: 1 }));
    expect(writes()).toHaveLength(1);
    expect(writes()[0].txnNumber).toBeUndefined();
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);
  });

  it('sends no txnNumber to a standalone and does not retry there', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('x')), { topology: 'Single', servers: ['Standalone'] });
    await expect(coll.insertOne({ _id: 1 })).rejects.toThrow('x');
    expect(writes()).toHaveLength(1);
    expect(writes()[0].txnNumber).toBeUndefined();
  });

  it('never retries updateMany / deleteMany and sends them no txnNumber', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('x'), new MongoNetworkError('y')));
    await expect(coll.updateMany({}, { $set: { a: 1 } })).rejects.toThrow('x');
    await expect(coll.deleteMany({})).rejects.toThrow('y');
    expect(writes()).toHaveLength(2);
    expect(writes().map((b) => b.txnNumber)).toEqual([undefined, undefined]);
  });

  it('judges each bulk write batch on its own: a batch with a multi update is not retried', async () => {
    const { coll, writes } = clientOn(script({ ok: 1, n: 1 }, new MongoNetworkError('x')));
    await expect(coll.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { updateMany: { filter: {}, update: { $set: { a: 1 } } } }])).rejects.toThrow('x');
    const [insert, update] = writes();
    expect(writes()).toHaveLength(2);
    expect(insert.txnNumber).toBeDefined();
    expect(update.txnNumber).toBeUndefined();
  });

  it('does not retry aggregate with $out', async () => {
    const { coll, writes } = clientOn(script(new MongoNetworkError('x')));
    await expect(coll.aggregate([{ $out: 'other' }]).toArray()).rejects.toThrow('x');
    expect(writes()).toHaveLength(1);
    expect(writes()[0].txnNumber).toBeUndefined();
  });
});
