// The per-client pool of server sessions (driver-sessions spec, "Server Session Pool"):
// a LIFO queue whose front holds the most recently released sessions; stale sessions
// (under a minute left) and dirty ones are discarded instead of reused.
import type { Document } from '../bson.js';
import { ServerSession } from './server-session.js';

/** endSessions takes at most this many ids per command (driver-sessions spec). */
export const END_SESSIONS_BATCH_SIZE = 10_000;

export interface PoolClock {
  now(): number;
}

const SYSTEM_CLOCK: PoolClock = { now: () => Date.now() };

export class ServerSessionPool {
  /** Index 0 is the front (most recently released). */
  private readonly queue: ServerSession[] = [];
  private checkedOut = 0;

  constructor(private readonly clock: PoolClock = SYSTEM_CLOCK) {}

  /** Sessions waiting for reuse. */
  get available(): number {
    return this.queue.length;
  }

  /** Sessions handed out and not yet released. */
  get inUse(): number {
    return this.checkedOut;
  }

  /**
   * The front session if it has at least a minute left (always, in load-balanced mode,
   * where the server's timeout is not known per session); otherwise a new one.
   */
  acquire(timeoutMinutes: number | null, loadBalanced = false): ServerSession {
    const now = this.clock.now();
    this.checkedOut += 1;
    for (let session = this.queue.shift(); session !== undefined; session = this.queue.shift()) {
      if (loadBalanced || !session.isAboutToExpire(timeoutMinutes, now)) return session;
    }
    return new ServerSession(now);
  }

  /** Drops stale sessions from the back, then keeps `session` at the front unless dirty or stale. */
  release(session: ServerSession, timeoutMinutes: number | null, loadBalanced = false): void {
    const now = this.clock.now();
    this.checkedOut = Math.max(0, this.checkedOut - 1);
    if (!loadBalanced) {
      for (let last = this.queue.at(-1); last !== undefined && last.isAboutToExpire(timeoutMinutes, now); last = this.queue.at(-1)) this.queue.pop();
    }
    if (session.dirty) return;
    if (!loadBalanced && session.isAboutToExpire(timeoutMinutes, now)) return;
    this.queue.unshift(session);
  }

  /** Empties the pool; the ids of its sessions in batches for endSessions. */
  drain(): Document[][] {
    const ids = this.queue.splice(0).map((session) => session.id);
    const batches: Document[][] = [];
    for (let i = 0; i < ids.length; i += END_SESSIONS_BATCH_SIZE) batches.push(ids.slice(i, i + END_SESSIONS_BATCH_SIZE));
    return batches;
  }
}
