// Every connection a pool owns, grouped by CMAP state, with the counts the spec
// defines (total, available, pending, in use) and the ConnectionCreated /
// ConnectionClosed events that bracket each connection's life.
import type { CmapEventMap, ConnectionClosedReason } from '../../monitoring/cmap-events.js';
import type { EventTarget } from '../../monitoring/event-sink.js';
import { isUnclaimedPending, newEntry, now, type Entry } from './entry.js';
import type { PoolableConnection } from './options.js';
import type { ServiceGenerations } from './service-generations.js';

/** Why an entry must be closed instead of used, or undefined when it is fine. */
export type PerishedCheck<C> = (entry: Entry<C>, checkIdle: boolean) => ConnectionClosedReason | undefined;

export class PoolConnections<C extends PoolableConnection> {
  private nextId = 1;
  private readonly byConnection = new Map<C, Entry<C>>();
  private readonly pendingEntries = new Set<Entry<C>>();
  /** Most recently checked-in last: checkout takes from the end, idle ones age at the front. */
  private readonly available: Entry<C>[] = [];
  private inUseCount = 0;

  constructor(
    private readonly address: string,
    private readonly events: EventTarget<CmapEventMap>,
    private readonly services: ServiceGenerations,
    private readonly perishedReason: PerishedCheck<C>,
  ) {}

  get total(): number {
    return this.pendingEntries.size + this.available.length + this.inUseCount;
  }
  get pendingCount(): number {
    return this.pendingEntries.size;
  }
  get availableCount(): number {
    return this.available.length;
  }
  get inUse(): number {
    return this.inUseCount;
  }

  entryOf(conn: C): Entry<C> | undefined {
    return this.byConnection.get(conn);
  }

  /** A snapshot, so callers may close entries while iterating. */
  pending(): Entry<C>[] {
    return [...this.pendingEntries];
  }

  checkedOut(): Entry<C>[] {
    return [...this.byConnection.values()].filter((entry) => entry.state === 'inUse');
  }

  /** Pending connections nobody waits for: they will become available when established. */
  unclaimedPendingCount(): number {
    let count = 0;
    for (const entry of this.pendingEntries) if (isUnclaimedPending(entry)) count += 1;
    return count;
  }

  /** A new pending connection (ConnectionCreated). */
  create(generation: number): Entry<C> {
    const entry = newEntry<C>(this.nextId++, generation);
    this.pendingEntries.add(entry);
    if (this.events.wants('connectionCreated')) {
      this.events.emit('connectionCreated', { name: 'connectionCreated', address: this.address, connectionId: entry.id });
    }
    return entry;
  }

  /** The entry's connection is established; in load-balanced mode it joins its service's generation. */
  attach(entry: Entry<C>, conn: C, loadBalanced: boolean): void {
    entry.conn = conn;
    this.byConnection.set(conn, entry);
    if (loadBalanced && conn.serviceId !== undefined) {
      entry.serviceKey = conn.serviceId.toHexString();
      entry.generation = this.services.attach(entry.serviceKey);
    }
    conn.generation = entry.generation;
  }

  /** Stops counting the entry as pending (it is about to become available, in use or closed). */
  leavePending(entry: Entry<C>): void {
    this.pendingEntries.delete(entry);
  }

  makeAvailable(entry: Entry<C>): void {
    this.pendingEntries.delete(entry);
    entry.state = 'available';
    entry.availableSince = now();
    this.available.push(entry);
  }

  markInUse(entry: Entry<C>): void {
    this.pendingEntries.delete(entry);
    entry.state = 'inUse';
    this.inUseCount += 1;
  }

  /** The entry came back from its checkout: closed if perished, else available again. */
  checkIn(entry: Entry<C>): void {
    this.inUseCount -= 1;
    const reason = this.perishedReason(entry, false);
    if (reason !== undefined) this.closeDetached(entry, reason, undefined);
    else this.makeAvailable(entry);
  }

  /** Pops the newest non-perished available connection, closing perished ones met on the way. */
  takeAvailable(): Entry<C> | undefined {
    for (let entry = this.available.pop(); entry !== undefined; entry = this.available.pop()) {
      const reason = this.perishedReason(entry, true);
      if (reason === undefined) return entry;
      this.closeDetached(entry, reason, undefined);
    }
    return undefined;
  }

  /** Closes every perished available connection (background upkeep). */
  reapAvailable(): void {
    for (const entry of [...this.available]) {
      const reason = this.perishedReason(entry, true);
      if (reason !== undefined) this.close(entry, reason);
    }
  }

  /** Closes all available connections, newest first (pool close). */
  closeAvailable(reason: ConnectionClosedReason): void {
    for (const entry of this.available.splice(0).reverse()) this.closeDetached(entry, reason, undefined);
  }

  /** Marks the entry closed, emits ConnectionClosed and tears the socket down. */
  close(entry: Entry<C>, reason: ConnectionClosedReason, error?: Error): void {
    if (entry.state === 'available') {
      const index = this.available.indexOf(entry);
      if (index >= 0) this.available.splice(index, 1);
    }
    this.closeDetached(entry, reason, error);
  }

  /** close() for an entry already off the available list. */
  private closeDetached(entry: Entry<C>, reason: ConnectionClosedReason, error: Error | undefined): void {
    if (entry.state === 'closed') return;
    this.pendingEntries.delete(entry);
    entry.state = 'closed';
    if (entry.conn !== undefined) this.byConnection.delete(entry.conn);
    if (entry.serviceKey !== undefined) this.services.detach(entry.serviceKey);
    if (this.events.wants('connectionClosed')) {
      this.events.emit('connectionClosed', { name: 'connectionClosed', address: this.address, connectionId: entry.id, reason, error });
    }
    entry.conn?.destroy();
  }
}
