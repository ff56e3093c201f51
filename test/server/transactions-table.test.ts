// The transaction engine without a network: private copies, the commit replay
// through the base collections' own write methods (with the session named in
// their write options), document claims, and the lifetime limit.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Long, UUID, type Document } from '../../src/bson.js';
import { RetryableWriteHistory } from '../../src/server/replication/retryable-write-history.js';
import { CollectionStore, type WriteOptions } from '../../src/server/storage/collection.js';
import { Storage } from '../../src/server/storage/storage.js';
import { TransactionStorage } from '../../src/server/transactions/transaction-storage.js';
import { TRANSACTION_LIFETIME_LIMIT_MS, TransactionTable } from '../../src/server/transactions/transaction-table.js';

function setup(now: () => number = Date.now): { base: Storage; table: TransactionTable } {
  const base = new Storage();
  const { collection } = base.ensureCollection('db', 'c');
  collection.insert({ _id: 1, v: 'one' });
  collection.insert({ _id: 2, v: 'two' });
  return { base, table: new TransactionTable(new RetryableWriteHistory(), now) };
}

const session = (): Document => ({ id: new UUID() });
const values = (collection: CollectionStore | undefined): Document[] => collection?.documents() ?? [];

describe('TransactionTable and TransactionStorage', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('works on a private copy and replays its journal through the base collection at commit', () => {
    const { base, table } = setup();
    const lsid = session();
    const transaction = table.begin({ lsid, txnNumber: 3n }, base);
    const storage = new TransactionStorage(base, transaction);
    const copy = storage.collection('db', 'c');
    if (copy === undefined) throw new Error('no copy');
    copy.insert({ _id: 3, v: 'three' });
    const [[rid1]] = copy.entries();
    copy.replace(rid1 ?? 0, { _id: 1, v: 'uno' }, { change: { kind: 'update' } });
    const rid2 = copy.entries().find(([, doc]) => doc._id === 2)?.[0] ?? 0;
    copy.delete(rid2);
    expect(values(base.collection('db', 'c'))).toEqual([{ _id: 1, v: 'one' }, { _id: 2, v: 'two' }]);

    const seen: Array<{ op: string; options: WriteOptions | undefined }> = [];
    const baseCollection = base.collection('db', 'c');
    if (baseCollection === undefined) throw new Error('no base');
    const insert = baseCollection.insert.bind(baseCollection);
    const replace = baseCollection.replace.bind(baseCollection);
    vi.spyOn(baseCollection, 'insert').mockImplementation((doc, options) => {
      seen.push({ op: 'insert', options });
      return insert(doc, options);
    });
    vi.spyOn(baseCollection, 'replace').mockImplementation((rid, doc, options) => {
      seen.push({ op: 'replace', options });
      replace(rid, doc, options);
    });
    table.commit({ lsid, txnNumber: 3n });
    expect(values(base.collection('db', 'c'))).toEqual([{ _id: 1, v: 'uno' }, { _id: 3, v: 'three' }]);
    expect(seen.map((s) => [s.op, s.options?.change?.kind])).toEqual([['insert', undefined], ['replace', 'update']]);
    expect(seen[0]?.options?.change?.lsid).toBe(lsid);
    expect(seen[0]?.options?.change?.txnNumber).toEqual(Long.fromNumber(3));
  });

  it('creates collections at commit only', () => {
    const { base, table } = setup();
    const lsid = session();
    const storage = new TransactionStorage(base, table.begin({ lsid, txnNumber: 1n }, base));
    storage.ensureCollection('db', 'fresh').collection.insert({ _id: 'x' });
    expect(base.collection('db', 'fresh')).toBeUndefined();
    expect(() => storage.createCollection('db', 'fresh')).toThrow(/already exists/);
    table.commit({ lsid, txnNumber: 1n });
    expect(values(base.collection('db', 'fresh'))).toEqual([{ _id: 'x' }]);
  });

  it('lets only the first of two transactions claim a document, until it ends', () => {
    const { base, table } = setup();
    const first = { lsid: session(), txnNumber: 1n };
    const second = { lsid: session(), txnNumber: 1n };
    const a = new TransactionStorage(base, table.begin(first, base)).collection('db', 'c');
    const bTransaction = table.begin(second, base);
    const b = new TransactionStorage(base, bTransaction).collection('db', 'c');
    a?.insert({ _id: 7 });
    expect(() => b?.insert({ _id: 7 })).toThrow(/Write conflict/);
    expect(bTransaction.conflict?.code).toBe(112);
    table.abort(first);
    const third = { lsid: session(), txnNumber: 1n };
    const c = new TransactionStorage(base, table.begin(third, base)).collection('db', 'c');
    expect(() => c?.insert({ _id: 7 })).not.toThrow();
  });

  it('makes two transactions writing the same unique key conflict', () => {
    const { base, table } = setup();
    base.collection('db', 'c')?.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true, sparse: true });
    const a = new TransactionStorage(base, table.begin({ lsid: session(), txnNumber: 1n }, base)).collection('db', 'c');
    const b = new TransactionStorage(base, table.begin({ lsid: session(), txnNumber: 1n }, base)).collection('db', 'c');
    a?.insert({ _id: 10, email: 'x@example.com' });
    expect(() => b?.insert({ _id: 11, email: 'y@example.com' })).not.toThrow();
    expect(() => b?.insert({ _id: 12, email: 'x@example.com' })).toThrow(/Write conflict/);
  });

  it('aborts transactions older than the lifetime limit', () => {
    let clock = 1_000;
    const { base, table } = setup(() => clock);
    const at = { lsid: session(), txnNumber: 1n };
    table.begin(at, base);
    clock += TRANSACTION_LIFETIME_LIMIT_MS + 1;
    expect(() => table.continue(at)).toThrow(/has been aborted/);
    expect(() => table.commit(at)).toThrow(/has been aborted/);
  });
});
