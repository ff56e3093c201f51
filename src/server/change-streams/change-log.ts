// The server's change log (mongod's oplog, as far as change streams read it):
// every committed change to base data, in commit order, each at a strictly
// increasing position and stamped with the replica set's cluster time. The
// writes of one command share a cluster time and are told apart by position. The log keeps a bounded
// history, by entry count and by approximate bytes (mongod sizes its oplog in bytes);
// resuming from before it is ChangeStreamHistoryLost, as on mongod when the oplog has rolled over.
import { calculateObjectSize, Timestamp } from '../../bson.js';
import type { ChangeEntry, ChangeRecord } from './change-entry.js';
import type { ResumePoint } from './resume-token.js';

/** The part of the replica set's logical clock the log reads. */
export interface ChangeClock {
  /** The latest time handed out. */
  current(): Timestamp;
  /** The time the writing command's reply will report as its operationTime. */
  nextWriteTime(): Timestamp;
}

/** How many entries the log keeps by default. */
export const DEFAULT_CHANGE_LOG_CAPACITY = 100_000;

/**
 * How many bytes of entries (approximately: document images plus a fixed overhead) the log
 * keeps by default, so large documents cannot make an in-process server grow without bound.
 */
export const DEFAULT_CHANGE_LOG_MAX_BYTES = 64 * 1024 * 1024;

/** An entry's fixed cost beyond its documents: times, namespace, position, object headers. */
const ENTRY_OVERHEAD_BYTES = 128;

/** An entry's approximate size: its document images, DDL descriptions and a fixed overhead. */
export function approximateEntryBytes(entry: ChangeRecord): number {
  let bytes = ENTRY_OVERHEAD_BYTES + entry.ns.db.length + (entry.ns.coll?.length ?? 0);
  bytes += (entry.before?.byteLength ?? 0) + (entry.after?.byteLength ?? 0);
  if (entry.operationDescription !== undefined) bytes += calculateObjectSize(entry.operationDescription);
  if (entry.update !== undefined) bytes += calculateObjectSize(entry.update);
  if (entry.updateDescription !== undefined) bytes += calculateObjectSize(entry.updateDescription);
  if (entry.stateBeforeChange !== undefined) bytes += calculateObjectSize(entry.stateBeforeChange);
  return bytes;
}

export class ChangeLog {
  private readonly entries: ChangeEntry[] = [];
  /** approximateEntryBytes of each held entry, index for index. */
  private readonly sizes: number[] = [];
  private heldBytes = 0;
  private next = 0;
  private readonly waiters = new Set<() => void>();
  /** The time the log began: nothing before it can be looked back on (snapshot reads). */
  readonly startTime: Timestamp;

  constructor(
    private readonly clock: ChangeClock,
    private readonly capacity: number = DEFAULT_CHANGE_LOG_CAPACITY,
    private readonly maxBytes: number = DEFAULT_CHANGE_LOG_MAX_BYTES,
  ) {
    this.startTime = clock.current();
  }

  /** The position the next entry will get. */
  get endPosition(): number {
    return this.next;
  }

  /** The oldest position still held (equal to endPosition when the log is empty). */
  get startPosition(): number {
    return this.entries[0]?.position ?? this.next;
  }

  /** The approximate bytes the held entries take (bounded by maxBytes, but for a single larger entry). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** True once entries have been dropped to respect the entry capacity or the byte budget. */
  get hasTrimmed(): boolean {
    return this.startPosition > 0;
  }

  append(record: ChangeRecord): ChangeEntry {
    const entry: ChangeEntry = { ...record, position: this.next++, clusterTime: this.timeForWrite(), wallTime: new Date() };
    const size = approximateEntryBytes(record);
    this.entries.push(entry);
    this.sizes.push(size);
    this.heldBytes += size;
    if (this.entries.length > this.capacity) this.dropOldest(Math.max(1, Math.floor(this.capacity / 10)));
    if (this.heldBytes > this.maxBytes) this.dropOldest(this.countToFreeBytes());
    this.wakeWaiters();
    return entry;
  }

  entryAt(position: number): ChangeEntry | undefined {
    const index = position - this.startPosition;
    return index >= 0 ? this.entries[index] : undefined;
  }

  /** The first position whose entry happened at or after `time` (endPosition when none). */
  firstPositionAtOrAfter(time: Timestamp): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle];
      if (entry !== undefined && entry.clusterTime.lessThan(time)) low = middle + 1;
      else high = middle;
    }
    return this.entries[low]?.position ?? this.next;
  }

  /** A point between entries: "everything before endPosition has been seen". */
  highWaterMark(): ResumePoint {
    const last = this.entries.at(-1)?.clusterTime;
    const now = this.clock.current();
    return { clusterTime: last !== undefined && now.lessThan(last) ? last : now, position: this.next, kind: 'highWaterMark' };
  }

  /** The cluster time the oldest held entry was written at, if any. */
  oldestTime(): Timestamp | undefined {
    return this.entries[0]?.clusterTime;
  }

  /** Resolves when an entry is appended, or after `ms`, whichever comes first. */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  /**
   * How many of the oldest entries to drop to get back under the byte budget, with a tenth
   * of it to spare so trimming is not paid on every append; the newest entry always stays.
   */
  private countToFreeBytes(): number {
    const target = Math.floor(this.maxBytes * 0.9);
    let held = this.heldBytes;
    let count = 0;
    while (held > target && count < this.sizes.length - 1) held -= this.sizes[count++];
    return count;
  }

  private dropOldest(count: number): void {
    this.entries.splice(0, count);
    for (const size of this.sizes.splice(0, count)) this.heldBytes -= size;
  }

  private wakeWaiters(): void {
    if (this.waiters.size === 0) return;
    // Wake after the writing turn ends, so a waiter sees all of a command's entries at once.
    const waiting = [...this.waiters];
    queueMicrotask(() => {
      for (const wake of waiting) wake();
    });
  }

  /**
   * An entry's cluster time: the time the writing command's reply will carry as its
   * operationTime (the clock reserves it; the dispatcher ticks to it once the command
   * succeeds), so a stream started at a write's operationTime includes that write, as
   * on mongod. Never earlier than the previous entry: times only grow along the log.
   */
  private timeForWrite(): Timestamp {
    const next = this.clock.nextWriteTime();
    const last = this.entries.at(-1)?.clusterTime;
    return last !== undefined && next.lessThan(last) ? last : next;
  }
}
