// Load-balancers spec, "Behaviour With Transactions": a transaction's pinned connection is
// released exactly once, when the transaction unpins (new transaction, abort, leaving it behind).
import { describe, expect, it } from 'vitest';
import { Transaction, resolveTransactionOptions } from '../../src/sessions/transaction.js';

function pinned(txn: Transaction, name: string, released: string[]): void {
  txn.pinConnection({ connection: name, release: () => released.push(name) });
}

describe('Transaction connection pinning', () => {
  const options = resolveTransactionOptions(undefined, undefined, {});

  it('keeps the connection after a commit and releases it once when the session moves on', () => {
    const released: string[] = [];
    const txn = new Transaction();
    txn.start(options);
    pinned(txn, 'a', released);
    txn.markInProgress();
    txn.markCommitted(false);
    expect(released).toEqual([]);
    txn.resetAfterEnd();
    expect(released).toEqual(['a']);
    txn.start(options);
    txn.unpin();
    expect(released).toEqual(['a']);
    expect(txn.pinnedConnection).toBeUndefined();
  });

  it('releases on abort and ignores pinning the same connection twice', () => {
    const released: string[] = [];
    const txn = new Transaction();
    txn.start(options);
    pinned(txn, 'a', released);
    pinned(txn, 'a', released);
    expect(released).toEqual([]);
    txn.markAborted();
    expect(released).toEqual(['a']);
  });

  it('releases a previous pin when another connection is pinned', () => {
    const released: string[] = [];
    const txn = new Transaction();
    txn.start(options);
    pinned(txn, 'a', released);
    pinned(txn, 'b', released);
    expect(released).toEqual(['a']);
    expect(txn.pinnedConnection?.connection).toBe('b');
  });
});
