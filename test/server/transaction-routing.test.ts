// The sharded cluster's per-session router records (TransactionRouting) last only as long as the
// session: endSessions, killSessions and killAllSessions drop them, so a long-running server does
// not keep one per session it ever saw.
import { describe, expect, it } from 'vitest';
import { UUID, type Document } from '../../src/bson.js';
import { RetryableWriteHistory } from '../../src/server/replication/retryable-write-history.js';
import { TransactionRouting } from '../../src/server/sharding/transaction-routing.js';
import { Storage } from '../../src/server/storage/storage.js';
import { TransactionTable } from '../../src/server/transactions/transaction-table.js';

function routed(sessions: number): { table: TransactionTable; routing: TransactionRouting; lsids: Document[] } {
  const table = new TransactionTable(new RetryableWriteHistory());
  const routing = new TransactionRouting(table);
  const storage = new Storage();
  const lsids = Array.from({ length: sessions }, () => ({ id: new UUID() }));
  for (const lsid of lsids) {
    routing.record({ lsid, txnNumber: 1n }, 'mongos0');
    table.begin({ lsid, txnNumber: 1n }, storage);
  }
  return { table, routing, lsids };
}

describe('TransactionRouting records', () => {
  it('drops the records of the sessions endSessions / killSessions end, keeping the others', () => {
    const { table, routing, lsids } = routed(3);
    expect(routing.trackedSessions).toBe(3);
    table.abortSessions([lsids[0], lsids[2]]);
    expect(routing.trackedSessions).toBe(1);
    expect(routing.participated({ lsid: lsids[1] ?? {}, txnNumber: 1n }, 'mongos0')).toBe(true);
    expect(routing.participated({ lsid: lsids[0] ?? {}, txnNumber: 1n }, 'mongos0')).toBe(false);
  });

  it('drops every record on killAllSessions', () => {
    const { table, routing } = routed(2);
    table.abortAll();
    expect(routing.trackedSessions).toBe(0);
  });
});
