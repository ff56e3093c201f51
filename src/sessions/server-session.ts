// The driver's record of one server-side logical session: its id, when the server
// last saw it, its transaction number, and whether a network error left it in doubt.
import { Long, UUID, type Document } from '../bson.js';

const MINUTE_MS = 60_000;

export class ServerSession {
  /** The lsid sent to the server: { id: UUID (Binary subtype 4) }. */
  readonly id: Document;
  /** Milliseconds since the epoch of the last command sent with this id. */
  lastUse: number;
  /** The last transaction number used (retryable writes, transactions). */
  txnNumber: Long = Long.ZERO;
  /** Set after a network error: the server's view is unknown, so the session is never pooled again. */
  dirty = false;

  constructor(now: number) {
    this.id = { id: new UUID().toBinary() };
    this.lastUse = now;
  }

  /** Records that the id is being sent to the server now. */
  markUsed(now: number): void {
    this.lastUse = now;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** The next transaction number (incremented once per retryable write or transaction). */
  nextTxnNumber(): Long {
    this.txnNumber = this.txnNumber.add(Long.ONE);
    return this.txnNumber;
  }

  /**
   * Whether the server may drop it within a minute. With the timeout unknown (not yet
   * connected) nothing can be judged, so the session is kept.
   */
  isAboutToExpire(timeoutMinutes: number | null, now: number): boolean {
    if (timeoutMinutes === null) return false;
    const idleMs = now - this.lastUse;
    return idleMs >= (timeoutMinutes - 1) * MINUTE_MS;
  }
}
