// The transaction state machine's codes, messages and labels, sent raw (a driver
// would refuse or rewrite most of these commands): mongod's answers for each misuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';
import { Long, UUID, type Document } from '../../src/bson.js';
import { encodeMessage, OP_MSG, type DecodedOpMsg } from '../../src/wire/index.js';
import { RawClient } from './support/raw-client.js';

/** One connection and one session: every command gets the session's lsid. */
class RawSession {
  private requestId = 0;
  readonly lsid = { id: new UUID() };

  constructor(private readonly raw: RawClient) {}

  async run(body: Document, dbName = 'txn'): Promise<Document> {
    this.requestId++;
    this.raw.send(encodeMessage({ opCode: OP_MSG, requestId: this.requestId, responseTo: 0, body: { ...body, lsid: this.lsid, $db: dbName } }));
    const replies = await this.raw.messages(this.requestId);
    const reply = replies[this.requestId - 1];
    if (reply === undefined) throw new Error('no reply');
    return (reply as DecodedOpMsg).body();
  }

  /** A statement of transaction `txn`; the first one starts it. */
  statement(txn: number, body: Document, start = false): Promise<Document> {
    return this.run({ ...body, txnNumber: Long.fromNumber(txn), autocommit: false, ...(start ? { startTransaction: true } : {}) });
  }

  end(command: 'commitTransaction' | 'abortTransaction', txn: number, extra: Document = {}): Promise<Document> {
    return this.run({ [command]: 1, txnNumber: Long.fromNumber(txn), autocommit: false, ...extra }, 'admin');
  }
}

describe('transaction errors (raw commands, one-member replica set)', () => {
  let server: MemoryServer;
  const opened: RawClient[] = [];

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0' });
  });

  afterAll(async () => {
    for (const raw of opened) raw.close();
    await server.stop();
  });

  const session = async (): Promise<RawSession> => {
    const raw = await RawClient.open(server.port);
    opened.push(raw);
    return new RawSession(raw);
  };
  const insert = (id: number): Document => ({ insert: 'errs', documents: [{ _id: id }] });

  it('commits idempotently; abort after commit is TransactionCommitted', async () => {
    const s = await session();
    expect(await s.statement(1, insert(1), true)).toMatchObject({ ok: 1, n: 1 });
    expect(await s.end('commitTransaction', 1)).toMatchObject({ ok: 1 });
    expect(await s.end('commitTransaction', 1)).toMatchObject({ ok: 1 });
    expect(await s.end('abortTransaction', 1)).toMatchObject({ ok: 0, code: 256, codeName: 'TransactionCommitted' });
    expect(await s.statement(1, { find: 'errs' })).toMatchObject({ ok: 0, code: 256 });
  });

  it('answers NoSuchTransaction (TransientTransactionError) for unknown or aborted transactions', async () => {
    const s = await session();
    const unknown = await s.statement(5, { find: 'errs' });
    expect(unknown).toMatchObject({ ok: 0, code: 251, codeName: 'NoSuchTransaction', errorLabels: ['TransientTransactionError'] });
    expect(await s.end('abortTransaction', 5)).toMatchObject({ ok: 0, code: 251 });
    expect(await s.statement(6, insert(60), true)).toMatchObject({ ok: 1 });
    expect(await s.end('abortTransaction', 6)).toMatchObject({ ok: 1 });
    expect(await s.end('commitTransaction', 6)).toMatchObject({ ok: 0, code: 251, errorLabels: ['TransientTransactionError'] });
    expect(await s.end('abortTransaction', 6)).toMatchObject({ ok: 0, code: 251 });
  });

  it('answers TransactionTooOld for an older txnNumber and refuses to restart the active one', async () => {
    const s = await session();
    expect(await s.statement(10, insert(100), true)).toMatchObject({ ok: 1 });
    expect(await s.statement(9, insert(90), true)).toMatchObject({ ok: 0, code: 225, codeName: 'TransactionTooOld' });
    expect(await s.statement(10, insert(101), true)).toMatchObject({ ok: 0, code: 117, codeName: 'ConflictingOperationInProgress' });
    expect(await s.run({ insert: 'errs', documents: [{ _id: 91 }], txnNumber: Long.fromNumber(9) })).toMatchObject({ ok: 0, code: 225 });
  });

  it('refuses commands a transaction may not run, and misplaced read or write concerns', async () => {
    const s = await session();
    expect(await s.statement(1, { count: 'errs' }, true)).toMatchObject({ ok: 0, code: 263, codeName: 'OperationNotSupportedInTransaction' });
    expect(await s.statement(2, { find: 'errs', readConcern: { level: 'linearizable' } }, true)).toMatchObject({ ok: 0, code: 72 });
    expect(await s.statement(3, { find: 'errs', readConcern: { level: 'snapshot' } }, true)).toMatchObject({ ok: 1 });
    expect(await s.statement(3, { find: 'errs', readConcern: { level: 'snapshot' } })).toMatchObject({ ok: 0, code: 72 });
    expect(await s.statement(4, { ...insert(40), writeConcern: { w: 1 } }, true)).toMatchObject({ ok: 0, code: 72 });
    expect(await s.run({ ...insert(41), txnNumber: Long.fromNumber(5), autocommit: true })).toMatchObject({ ok: 0, code: 72 });
    expect(await s.run({ ...insert(42), autocommit: false })).toMatchObject({ ok: 0, code: 72 });
    const out = await s.statement(6, { aggregate: 'errs', pipeline: [{ $match: {} }, { $out: 'copy' }], cursor: {} }, true);
    expect(out).toMatchObject({ ok: 0, code: 263, errmsg: expect.stringContaining('$out') as unknown });
    const onAdmin = await s.run({ find: 'errs', txnNumber: Long.fromNumber(7), autocommit: false, startTransaction: true }, 'admin');
    expect(onAdmin).toMatchObject({ ok: 0, code: 263, errmsg: "Cannot run command against the 'admin' database in a transaction." });
    await s.run({ create: 'capped', capped: true, size: 4096 });
    const capped = await s.statement(8, { insert: 'capped', documents: [{ _id: 1 }] }, true);
    expect(capped).toMatchObject({ ok: 1, writeErrors: [{ code: 263 }] });
  });

  it('commits with an unsatisfiable write concern, reporting a writeConcernError', async () => {
    const s = await session();
    expect(await s.statement(1, insert(200), true)).toMatchObject({ ok: 1 });
    const reply = await s.end('commitTransaction', 1, { writeConcern: { w: 10 } });
    expect(reply).toMatchObject({ ok: 1, writeConcernError: { code: 100, codeName: 'UnsatisfiableWriteConcern' } });
    const found = await s.run({ find: 'errs', filter: { _id: 200 } });
    expect((found.cursor as Document).firstBatch).toEqual([{ _id: 200 }]);
  });

  it('lets a failCommand failpoint fail commitTransaction before it commits', async () => {
    const s = await session();
    await s.run({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['commitTransaction'], errorCode: 91 } }, 'admin');
    expect(await s.statement(1, insert(300), true)).toMatchObject({ ok: 1 });
    expect(await s.end('commitTransaction', 1)).toMatchObject({ ok: 0, code: 91, errorLabels: ['RetryableWriteError'] });
    expect(await s.end('commitTransaction', 1)).toMatchObject({ ok: 1 });
    const found = await s.run({ find: 'errs', filter: { _id: 300 } });
    expect((found.cursor as Document).firstBatch).toEqual([{ _id: 300 }]);
  });
});
