// The CMAP WaitQueue: checkouts waiting for a connection, oldest first, and the
// re-entrancy guard for servicing it (event listeners and promise callbacks may
// ask for service while a pass is already running).
import type { TimeoutContext } from '../timeout-context.js';

export interface Waiter<C> {
  readonly startedAt: number;
  readonly timeout: TimeoutContext;
  settled: boolean;
  /** A connection is being established for this checkout; it has left the queue. */
  connecting: boolean;
  disarm: () => void;
  resolve: (conn: C) => void;
  reject: (error: Error) => void;
}

export class WaitQueue<C> {
  private readonly waiters: Waiter<C>[] = [];
  private serving = false;
  private serveAgain = false;

  /** @param serveOnce one pass over the queue, serving what it can. */
  constructor(private readonly serveOnce: () => void) {}

  get length(): number {
    return this.waiters.length;
  }

  at(index: number): Waiter<C> | undefined {
    return this.waiters[index];
  }

  push(waiter: Waiter<C>): void {
    this.waiters.push(waiter);
  }

  removeAt(index: number): void {
    this.waiters.splice(index, 1);
  }

  remove(waiter: Waiter<C>): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /** Empties the queue, returning the waiters oldest first. */
  drain(): Waiter<C>[] {
    return this.waiters.splice(0);
  }

  /** Serves the queue; a request made during a pass becomes one more pass instead of nesting. */
  service(): void {
    if (this.serving) {
      this.serveAgain = true;
      return;
    }
    this.serving = true;
    try {
      do {
        this.serveAgain = false;
        this.serveOnce();
      } while (this.serveAgain);
    } finally {
      this.serving = false;
    }
  }
}
