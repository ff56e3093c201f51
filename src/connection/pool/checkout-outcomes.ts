// How a checkout ends (CMAP "Checking Out a Connection"): handed a connection, or
// failed for a reason; each emits its event with the time the checkout took. A
// wait-queue timeout's error shows the pool's counts (and, load-balanced, what pins them).
import type { CheckOutFailedReason, CmapEventMap } from '../../monitoring/cmap-events.js';
import type { EventTarget } from '../../monitoring/event-sink.js';
import type { TimeoutCause, TimeoutContext } from '../timeout-context.js';
import type { PoolConnections } from './connections.js';
import { now, type Entry } from './entry.js';
import type { PoolableConnection, ResolvedPoolOptions } from './options.js';
import { waitQueueTimeoutError, type PinnedCounts, type PoolStats } from './pool-messages.js';
import type { Waiter } from './wait-queue.js';

export class CheckoutOutcomes<C extends PoolableConnection> {
  constructor(
    private readonly address: string,
    private readonly events: EventTarget<CmapEventMap>,
    private readonly connections: PoolConnections<C>,
  ) {}

  /** ConnectionCheckOutStarted; returns the start time the other outcomes measure from. */
  started(): number {
    const startedAt = now();
    if (this.events.wants('connectionCheckOutStarted')) {
      this.events.emit('connectionCheckOutStarted', { name: 'connectionCheckOutStarted', address: this.address });
    }
    return startedAt;
  }

  handOut(waiter: Waiter<C>, entry: Entry<C>): void {
    const conn = entry.conn;
    if (conn === undefined) throw new Error('unreachable: an established entry has its connection');
    this.connections.markInUse(entry);
    waiter.settled = true;
    waiter.disarm();
    if (this.events.wants('connectionCheckedOut')) {
      this.events.emit('connectionCheckedOut', {
        name: 'connectionCheckedOut',
        address: this.address,
        connectionId: entry.id,
        durationMS: now() - waiter.startedAt,
      });
    }
    waiter.resolve(conn);
  }

  settleFailure(waiter: Waiter<C>, reason: CheckOutFailedReason, error: Error): void {
    waiter.settled = true;
    waiter.disarm();
    waiter.reject(this.failed(waiter.startedAt, reason, error));
  }

  /** ConnectionCheckOutFailed; returns `error` for the checkout to reject with. */
  failed(startedAt: number, reason: CheckOutFailedReason, error: Error): Error {
    if (this.events.wants('connectionCheckOutFailed')) {
      this.events.emit('connectionCheckOutFailed', {
        name: 'connectionCheckOutFailed',
        address: this.address,
        reason,
        durationMS: now() - startedAt,
        error,
      });
    }
    return error;
  }

  /** The error of a checkout whose time ran out: CSOT's own, or waitQueueTimeoutMS's. */
  timeoutError(cause: TimeoutCause, timeout: TimeoutContext, startedAt: number, stats: PoolStats, options: ResolvedPoolOptions): Error {
    if (cause.kind !== 'cap') return timeout.errorFor(cause, `checkout from connection pool ${this.address}`);
    return waitQueueTimeoutError(this.address, now() - startedAt, stats, options, options.loadBalanced ? this.pinnedCounts() : undefined);
  }

  private pinnedCounts(): PinnedCounts {
    const counts: PinnedCounts = { cursors: 0, transactions: 0, other: 0 };
    for (const entry of this.connections.checkedOut()) {
      if (entry.pinnedFor === 'cursor') counts.cursors += 1;
      else if (entry.pinnedFor === 'transaction') counts.transactions += 1;
      else counts.other += 1;
    }
    return counts;
  }
}
