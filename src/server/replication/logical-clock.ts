// The single member's logical clock (mongod's cluster time and last applied
// optime in one): seconds follow the wall clock, the increment counts writes
// within a second. Clients gossip $clusterTime back; a higher one moves us on.
import { Binary, Long, Timestamp, type Document } from '../../bson.js';

/** A signature of zeroes under key 0: what a mongod without keyfile auth gossips. */
const UNSIGNED = { hash: new Binary(Buffer.alloc(20), Binary.SUBTYPE_DEFAULT), keyId: Long.fromNumber(0) };

function wallSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export class LogicalClock {
  private seconds: number;
  private increment: number;
  private reserved: Timestamp | undefined;

  constructor(private readonly now: () => number = wallSeconds) {
    this.seconds = now();
    this.increment = 1;
  }

  /** The latest time handed out (the last write's optime, or startup). */
  current(): Timestamp {
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  /**
   * The time the next tick() will return, fixed from now until then: a write's change
   * events are stamped with it before its command ticks, so they carry exactly the
   * operationTime the command's reply reports.
   */
  nextWriteTime(): Timestamp {
    if (this.reserved === undefined || !this.current().lessThan(this.reserved)) this.reserved = this.following();
    return this.reserved;
  }

  /** A new, strictly later time for a write (the reserved one, if nextWriteTime() fixed it). */
  tick(): Timestamp {
    const next = this.reserved !== undefined && this.current().lessThan(this.reserved) ? this.reserved : this.following();
    this.reserved = undefined;
    this.seconds = next.t;
    this.increment = next.i;
    return this.current();
  }

  private following(): Timestamp {
    const wall = this.now();
    return wall > this.seconds ? new Timestamp({ t: wall, i: 1 }) : new Timestamp({ t: this.seconds, i: this.increment + 1 });
  }

  /** Moves the clock up to a client-gossiped $clusterTime; anything malformed or older is ignored. */
  observe(clusterTime: unknown): void {
    if (typeof clusterTime !== 'object' || clusterTime === null) return;
    const time = (clusterTime as Document).clusterTime;
    if (!(time instanceof Timestamp)) return;
    const seconds = time.t;
    const increment = time.i;
    if (seconds > this.seconds || (seconds === this.seconds && increment > this.increment)) {
      this.seconds = seconds;
      this.increment = increment;
    }
  }

  /** The reply's `$clusterTime` document. */
  clusterTimeDocument(): Document {
    return { clusterTime: this.current(), signature: { ...UNSIGNED } };
  }
}
