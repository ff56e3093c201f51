// Transactions against the embedded one-member replica set.
import { describe, expect, it } from 'vitest';
import { MongoServerError } from '../../src/index.js';
import { useMongroveServer } from '../support/mongrove-server-fixture.js';

const fixture = useMongroveServer({ replSet: 'rs0' });

describe('transactions on the embedded replica set', () => {
  it('prose 1.0: a collection write concern of w: 0 is not inherited inside a transaction', async () => {
    const db = fixture.client.db('txn_it');
    await db.dropCollection('w0').catch(() => false);
    await db.createCollection('w0');
    const session = fixture.client.startSession();
    session.startTransaction();
    const w0 = db.collection('w0', { writeConcern: { w: 0 } });
    await w0.insertOne({ n: 1 }, { session });
    await session.commitTransaction();
    await session.endSession();
    expect(await db.collection('w0').find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ n: 1 }]);
  });

  it('keeps writes invisible outside the transaction until commit, and discards them on abort', async () => {
    const coll = fixture.client.db('txn_it').collection('isolation');
    await coll.drop().catch(() => false);
    await coll.insertOne({ _id: 0 });
    const session = fixture.client.startSession();
    session.startTransaction();
    await coll.insertOne({ _id: 1 }, { session });
    expect(await coll.countDocuments({})).toBe(1);
    expect(await coll.countDocuments({}, { session })).toBe(2);
    await session.commitTransaction();
    expect(await coll.countDocuments({})).toBe(2);
    session.startTransaction();
    await coll.insertOne({ _id: 2 }, { session });
    await session.abortTransaction();
    await session.endSession();
    expect(await coll.countDocuments({})).toBe(2);
  });

  it('withTransaction commits the callback, and a duplicate key aborts it without retrying', async () => {
    const coll = fixture.client.db('txn_it').collection('convenient');
    await coll.drop().catch(() => false);
    await coll.insertOne({ _id: 0 });
    const session = fixture.client.startSession();
    await session.withTransaction(async (s) => {
      await coll.insertOne({ _id: 1 }, { session: s });
    });
    let calls = 0;
    const error = await session
      .withTransaction(async (s) => {
        calls += 1;
        await coll.insertOne({ _id: 2 }, { session: s });
        await coll.insertOne({ _id: 0 }, { session: s });
      })
      .catch((e: unknown) => e);
    await session.endSession();
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(11000);
    expect(calls).toBe(1);
    expect(await coll.find({}).toArray()).toEqual([{ _id: 0 }, { _id: 1 }]);
  });

  it('ending a session aborts its open transaction', async () => {
    const coll = fixture.client.db('txn_it').collection('ended');
    await coll.drop().catch(() => false);
    await coll.insertOne({ _id: 0 });
    const session = fixture.client.startSession();
    session.startTransaction();
    await coll.insertOne({ _id: 1 }, { session });
    await session.endSession();
    expect(await coll.countDocuments({})).toBe(1);
  });
});
