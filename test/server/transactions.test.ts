// Multi-document transactions on the embedded one-member replica set, through the
// official driver: commit makes writes visible, abort discards them, reads outside
// a transaction never see its writes, and conflicting writes fail the way mongod's do.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoServerError, type MongoClient, type ClientSession, type Collection } from 'mongodb';
import { useServer } from './support/server-fixture.js';

interface Item {
  _id: number;
  n?: number;
  tag?: string;
}


describe('transactions (official driver, one-member replica set)', () => {
  const fixture = useServer({ replSet: 'rs0' });
  let client: MongoClient;
  let items: Collection<Item>;

  beforeAll(() => {
    client = fixture.client;
  });

  beforeEach(async () => {
    items = client.db('txn').collection<Item>('items');
    await items.drop().catch(() => undefined);
    await items.insertMany([{ _id: 1, n: 1 }, { _id: 2, n: 2 }]);
  });

  const withSession = async (run: (session: ClientSession) => Promise<void>): Promise<void> => {
    const session = client.startSession();
    try {
      await run(session);
    } finally {
      await session.endSession();
    }
  };

  it('makes inserts, updates and deletes visible only at commit', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await items.insertOne({ _id: 3, n: 3 }, { session });
      await items.updateOne({ _id: 1 }, { $inc: { n: 10 } }, { session });
      await items.replaceOne({ _id: 2 }, { tag: 'replaced' }, { session });
      await items.deleteOne({ _id: 3 }, { session });
      await items.insertOne({ _id: 4 }, { session });
      expect(await items.find({}, { session }).sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 11 }, { _id: 2, tag: 'replaced' }, { _id: 4 }]);
      expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 1 }, { _id: 2, n: 2 }]);
      await session.commitTransaction();
    });
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 11 }, { _id: 2, tag: 'replaced' }, { _id: 4 }]);
  });

  it('discards everything on abort', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await items.insertOne({ _id: 3 }, { session });
      await items.deleteMany({}, { session });
      expect(await items.countDocuments({}, { session })).toBe(0);
      await session.abortTransaction();
    });
    expect(await items.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1, n: 1 }, { _id: 2, n: 2 }]);
  });

  it('reads a snapshot: writes committed outside after the first read stay invisible', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      expect(await items.countDocuments({}, { session })).toBe(2);
      await items.insertOne({ _id: 9 });
      expect(await items.countDocuments({}, { session })).toBe(2);
      await session.commitTransaction();
    });
    expect(await items.countDocuments()).toBe(3);
  });

  it('reads every collection as of its first statement, even collections it had not read yet', async () => {
    const other = client.db('txn').collection<Item>('other');
    await other.drop().catch(() => undefined);
    await other.insertOne({ _id: 1 });
    await withSession(async (reader) => {
      await withSession(async (writer) => {
        reader.startTransaction();
        expect(await items.countDocuments({}, { session: reader })).toBe(2);
        await other.insertOne({ _id: 2 });
        writer.startTransaction();
        await other.insertOne({ _id: 3 }, { session: writer });
        await writer.commitTransaction();
        expect(await other.find({}, { session: reader }).toArray()).toEqual([{ _id: 1 }]);
        await reader.commitTransaction();
      });
    });
    expect(await other.countDocuments()).toBe(3);
  });

  it('creates collections and their indexes inside a transaction, at commit', async () => {
    const fresh = client.db('txn').collection<Item>('fresh');
    await fresh.drop().catch(() => undefined);
    await withSession(async (session) => {
      session.startTransaction();
      await client.db('txn').createCollection('fresh', { session });
      await fresh.createIndex({ tag: 1 }, { session, name: 'tag_1' });
      await fresh.insertOne({ _id: 1, tag: 'a' }, { session });
      const names = (await client.db('txn').listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).not.toContain('fresh');
      await session.commitTransaction();
    });
    expect((await fresh.indexes()).map((ix) => ix.name)).toEqual(['_id_', 'tag_1']);
    expect(await fresh.find().toArray()).toEqual([{ _id: 1, tag: 'a' }]);
  });

  it('refuses a new index on an existing collection inside a transaction', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      const error = await items.createIndex({ n: 1 }, { session }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 263, codeName: 'OperationNotSupportedInTransaction' });
      await session.abortTransaction();
    });
  });

  it('fails the second writer of a document with WriteConflict and aborts its transaction', async () => {
    await withSession(async (first) => {
      await withSession(async (second) => {
        first.startTransaction();
        second.startTransaction();
        await items.updateOne({ _id: 1 }, { $set: { tag: 'first' } }, { session: first });
        const error = await items.updateOne({ _id: 1 }, { $set: { tag: 'second' } }, { session: second }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MongoServerError);
        expect(error).toMatchObject({ code: 112, codeName: 'WriteConflict' });
        expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
        await first.commitTransaction();
        const commit = await second.commitTransaction().catch((e: unknown) => e);
        expect(commit).toMatchObject({ code: 251, codeName: 'NoSuchTransaction' });
      });
    });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, n: 1, tag: 'first' });
  });

  it('fails a write to a document changed outside since the transaction read it', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      expect(await items.findOne({ _id: 2 }, { session })).toEqual({ _id: 2, n: 2 });
      await items.updateOne({ _id: 2 }, { $set: { n: 20 } });
      const error = await items.deleteOne({ _id: 2 }, { session }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 112, errorLabels: ['TransientTransactionError'] });
      await session.abortTransaction().catch(() => undefined);
    });
    expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, n: 20 });
  });

  it('makes a write outside transactions wait for the transaction holding its document', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await items.updateOne({ _id: 1 }, { $set: { tag: 'txn' } }, { session });
      let settled = false;
      const outside = items.updateOne({ _id: 1 }, { $inc: { n: 100 } }).finally(() => {
        settled = true;
      });
      expect(await items.findOne({ _id: 2 })).toEqual({ _id: 2, n: 2 });
      expect(settled).toBe(false);
      await session.commitTransaction();
      await outside;
    });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, n: 101, tag: 'txn' });
  });

  it('ends that wait at maxTimeMS with MaxTimeMSExpired', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await items.insertOne({ _id: 8 }, { session });
      const error = await items.insertOne({ _id: 8 }, { maxTimeMS: 20 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 50, codeName: 'MaxTimeMSExpired' });
      await session.commitTransaction();
    });
    expect(await items.countDocuments({ _id: 8 })).toBe(1);
  });

  it('aborts on a write error: the next statement gets NoSuchTransaction', async () => {
    await withSession(async (session) => {
      session.startTransaction();
      await expect(items.insertOne({ _id: 1 }, { session })).rejects.toMatchObject({ code: 11000 });
      const error = await items.insertOne({ _id: 7 }, { session }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 251, errorLabels: ['TransientTransactionError'] });
      await session.abortTransaction();
    });
    expect(await items.countDocuments()).toBe(2);
  });

  it('aborts the open transaction of an ended session', async () => {
    const session = client.startSession();
    session.startTransaction();
    await items.insertOne({ _id: 5 }, { session });
    const lsid = session.id;
    await client.db('admin').command({ endSessions: [lsid] });
    await session.endSession().catch(() => undefined);
    expect(await items.countDocuments({ _id: 5 })).toBe(0);
    await withSession(async (other) => {
      other.startTransaction();
      await items.insertOne({ _id: 5 }, { session: other });
      await other.commitTransaction();
    });
    expect(await items.countDocuments({ _id: 5 })).toBe(1);
  });
});
