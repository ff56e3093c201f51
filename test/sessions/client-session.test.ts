import { describe, expect, it } from 'vitest';
import { Timestamp } from '../../src/bson.js';
import { MongoCompatibilityError, MongoInvalidArgumentError } from '../../src/errors.js';
import { ClientSession, ClientSessions, compareTimestamps, laterClusterTime } from '../../src/sessions/index.js';

const ts = (t: number, i: number) => new Timestamp({ t, i });
const ct = (t: number, i: number) => ({ clusterTime: ts(t, i), signature: { hash: 'x', keyId: 1 } });

function sessions() {
  return new ClientSessions({ target: { topologyType: 'Single', logicalSessionTimeoutMinutes: 30 }, client: {}, retryWrites: true });
}

describe('cluster time ordering', () => {
  it('compares by seconds, then increment', () => {
    expect(compareTimestamps(ts(5, 9), ts(6, 0))).toBeLessThan(0);
    expect(compareTimestamps(ts(6, 2), ts(6, 1))).toBeGreaterThan(0);
    expect(compareTimestamps(ts(6, 1), ts(6, 1))).toBe(0);
    expect(laterClusterTime(ct(1, 2), ct(1, 3))).toEqual(ct(1, 3));
    expect(laterClusterTime(ct(2, 0), ct(1, 3))).toEqual(ct(2, 0));
    expect(laterClusterTime(undefined, ct(1, 3))).toEqual(ct(1, 3));
    expect(laterClusterTime(ct(1, 3), undefined)).toEqual(ct(1, 3));
  });
});

describe('ClientSession', () => {
  it('defaults: causally consistent, not snapshot, no times yet', () => {
    const s = sessions().startSession();
    expect(s).toBeInstanceOf(ClientSession);
    expect(s.explicit).toBe(true);
    expect(s.causalConsistency).toBe(true);
    expect(s.snapshot).toBe(false);
    expect(s.clusterTime).toBeUndefined();
    expect(s.operationTime).toBeUndefined();
    expect(s.snapshotTime).toBeUndefined();
    expect(s.inTransaction()).toBe(false);
  });

  it('rejects snapshot with causalConsistency, and snapshotTime without snapshot', () => {
    const m = sessions();
    expect(() => m.startSession({ snapshot: true, causalConsistency: true })).toThrow(MongoInvalidArgumentError);
    expect(() => m.startSession({ snapshotTime: ts(1, 1) })).toThrow(/snapshot: true/);
    const snap = m.startSession({ snapshot: true, snapshotTime: ts(1, 1) });
    expect(snap.causalConsistency).toBe(false);
    expect(snap.snapshotTime).toEqual(ts(1, 1));
  });

  it('advances cluster and operation times forward only', () => {
    const s = sessions().startSession();
    s.advanceClusterTime(ct(5, 1));
    s.advanceClusterTime(ct(4, 9));
    expect(s.clusterTime).toEqual(ct(5, 1));
    s.advanceClusterTime(ct(5, 2));
    expect(s.clusterTime).toEqual(ct(5, 2));
    s.advanceOperationTime(ts(3, 3));
    s.advanceOperationTime(ts(3, 2));
    expect(s.operationTime).toEqual(ts(3, 3));
    expect(() => s.advanceClusterTime({ clusterTime: 5 })).toThrow(MongoInvalidArgumentError);
    expect(() => s.advanceOperationTime(5 as unknown as Timestamp)).toThrow(MongoInvalidArgumentError);
  });

  it('advanceClusterTime does not advance the client cluster time', () => {
    const m = sessions();
    m.startSession().advanceClusterTime(ct(9, 9));
    expect(m.clusterTime).toBeUndefined();
  });

  it('endSession is idempotent and returns the server session to the pool once', async () => {
    const m = sessions();
    const s = m.startSession();
    await s.endSession();
    await s.endSession();
    expect(s.hasEnded).toBe(true);
    expect(m.pool.available).toBe(1);
    expect(m.pool.inUse).toBe(0);
    const disposed = m.startSession();
    expect(disposed.id).toBe(s.id);
    await disposed[Symbol.asyncDispose]();
    expect(disposed.hasEnded).toBe(true);
  });

  it('a session whose owner cannot send commands refuses to commit a started transaction', async () => {
    const s = sessions().startSession();
    s.startTransaction();
    expect(s.serverSession.txnNumber.toNumber()).toBe(1);
    await s.commitTransaction(); // nothing to send: fine
    s.startTransaction();
    s.transaction.markInProgress();
    await expect(s.commitTransaction()).rejects.toThrow(MongoCompatibilityError);
    expect(s.transactionState).toBe('committed');
  });
});
