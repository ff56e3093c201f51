// The connection pool (CMAP). One object owns all pool state. Check-in, clear,
// ready and close change that state synchronously, then the wait queue is
// serviced front to back, so they are always handled before pending checkouts
// and a newer checkout is never served before an older one.
import type { ObjectId } from '../../bson.js';
import {
  MongoInvalidArgumentError,
  MongoPoolClearedError,
  MongoPoolClosedError,
  MongoWaitQueueTimeoutError,
} from '../../errors.js';
import type { CheckOutFailedReason, CmapEventMap, ConnectionClosedReason } from '../../monitoring/cmap-events.js';
import { noEvents, type EventTarget } from '../../monitoring/event-sink.js';
import { TimeoutContext, type TimeoutCause } from '../timeout-context.js';
import {
  explicitPoolOptions,
  resolvePoolOptions,
  type ConnectionFactory,
  type ConnectionPoolOptions,
  type PoolableConnection,
  type ResolvedPoolOptions,
} from './options.js';

export type PoolState = 'paused' | 'ready' | 'closed';

export interface ConnectionPoolConfig<C extends PoolableConnection> {
  /** "host:port" of the endpoint. */
  address: string;
  options?: ConnectionPoolOptions;
  connect: ConnectionFactory<C>;
  events?: EventTarget<CmapEventMap>;
  /**
   * Errors establishing connections in the background (minPoolSize) go here, for
   * SDAM's application-error handling (which usually clears the pool).
   */
  onBackgroundError?: (error: Error) => void;
}

export interface CheckOutOptions {
  timeout?: TimeoutContext;
}

export interface ClearOptions {
  /** Also interrupt in-use connections of the cleared generation (monitor timeout). */
  interruptInUseConnections?: boolean;
  /** Load-balanced mode: the service to clear (required there, ignored otherwise). */
  serviceId?: ObjectId;
  /** The error that made SDAM clear the pool; named in later PoolClearedErrors. */
  cause?: Error;
}

export interface PoolStats {
  total: number;
  available: number;
  pending: number;
  inUse: number;
  waiting: number;
}

type EntryState = 'pending' | 'available' | 'inUse' | 'closed';

interface Entry<C> {
  readonly id: number;
  state: EntryState;
  conn: C | undefined;
  /** Generation at creation (non-LB) or of its service once established (LB). */
  generation: number;
  serviceKey: string | undefined;
  readonly createdAt: number;
  availableSince: number;
  readonly abort: AbortController;
  /** The checkout this establishment serves (undefined when populating minPoolSize). */
  waiter: Waiter<C> | undefined;
}

interface Waiter<C> {
  readonly startedAt: number;
  readonly timeout: TimeoutContext;
  settled: boolean;
  connecting: boolean;
  disarm: () => void;
  resolve: (conn: C) => void;
  reject: (error: Error) => void;
}

const now = (): number => performance.now();

export class ConnectionPool<C extends PoolableConnection> {
  readonly address: string;
  readonly options: ResolvedPoolOptions;
  private readonly connect: ConnectionFactory<C>;
  private readonly events: EventTarget<CmapEventMap>;
  private readonly onBackgroundError: ((error: Error) => void) | undefined;

  private poolState: PoolState = 'paused';
  private poolGeneration = 0;
  private readonly serviceGenerations = new Map<string, { generation: number; count: number }>();
  private nextId = 1;
  private clearCause: Error | undefined;

  private readonly byConnection = new Map<C, Entry<C>>();
  private readonly pending = new Set<Entry<C>>();
  /** Most recently checked-in last: checkout takes from the end, idle ones age at the front. */
  private available: Entry<C>[] = [];
  private inUseCount = 0;
  private readonly waitQueue: Waiter<C>[] = [];

  private pumping = false;
  private pumpAgain = false;
  private backgroundTimer: NodeJS.Timeout | undefined;

  constructor(config: ConnectionPoolConfig<C>) {
    this.address = config.address;
    const userOptions = config.options ?? {};
    this.options = resolvePoolOptions(userOptions);
    this.connect = config.connect;
    this.events = config.events ?? noEvents<CmapEventMap>();
    this.onBackgroundError = config.onBackgroundError;
    if (this.events.wants('connectionPoolCreated')) {
      this.events.emit('connectionPoolCreated', {
        name: 'connectionPoolCreated',
        address: this.address,
        options: explicitPoolOptions(userOptions),
      });
    }
  }

  get state(): PoolState {
    return this.poolState;
  }

  /** The pool's generation (non-LB); connections of older generations are stale. */
  get generation(): number {
    return this.poolGeneration;
  }

  /** The generation a connection to `serviceId` would get now (LB), else the pool's. */
  generationFor(serviceId: ObjectId | undefined): number {
    if (!this.options.loadBalanced || serviceId === undefined) return this.poolGeneration;
    return this.serviceGenerations.get(serviceId.toHexString())?.generation ?? 0;
  }

  /** True when `conn` belongs to a generation that was cleared since it was made. */
  isStale(conn: PoolableConnection): boolean {
    return conn.generation !== this.generationFor(conn.serviceId);
  }

  stats(): PoolStats {
    return {
      total: this.pending.size + this.available.length + this.inUseCount,
      available: this.available.length,
      pending: this.pending.size,
      inUse: this.inUseCount,
      waiting: this.waitQueue.length,
    };
  }

  // ---- checkout -------------------------------------------------------------------

  checkOut(options: CheckOutOptions = {}): Promise<C> {
    const timeout = options.timeout ?? TimeoutContext.none();
    const startedAt = now();
    if (this.events.wants('connectionCheckOutStarted')) {
      this.events.emit('connectionCheckOutStarted', { name: 'connectionCheckOutStarted', address: this.address });
    }
    if (this.poolState === 'closed') {
      return Promise.reject(this.failCheckOut(startedAt, 'poolClosed', new MongoPoolClosedError(this.address)));
    }
    if (this.poolState === 'paused') return Promise.reject(this.failCheckOut(startedAt, 'connectionError', this.clearedError()));
    const done = timeout.doneCause();
    if (done !== undefined) return Promise.reject(this.failCheckOut(startedAt, 'timeout', this.timeoutError(done, timeout, startedAt)));

    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = { startedAt, timeout, settled: false, connecting: false, disarm: () => {}, resolve, reject };
      waiter.disarm = timeout.onDone((cause) => this.onWaiterTimeout(waiter, cause), this.options.waitQueueTimeoutMS);
      this.waitQueue.push(waiter);
      this.pump();
    });
  }

  /** Checks out, runs `fn`, and checks the connection back in whatever happens. */
  async withConnection<T>(fn: (conn: C) => Promise<T>, options: CheckOutOptions = {}): Promise<T> {
    const conn = await this.checkOut(options);
    try {
      return await fn(conn);
    } finally {
      this.checkIn(conn);
    }
  }

  checkIn(conn: C): void {
    const entry = this.byConnection.get(conn);
    if (entry === undefined) {
      throw new MongoInvalidArgumentError(`connection ${conn.id} does not belong to the pool for ${this.address}`);
    }
    if (entry.state !== 'inUse') {
      throw new MongoInvalidArgumentError(`connection ${conn.id} to ${this.address} is not checked out (state: ${entry.state})`);
    }
    this.inUseCount -= 1;
    if (this.events.wants('connectionCheckedIn')) {
      this.events.emit('connectionCheckedIn', { name: 'connectionCheckedIn', address: this.address, connectionId: entry.id });
    }
    const reason = this.perishedReason(entry, false);
    if (reason !== undefined) this.closeEntry(entry, reason);
    else this.makeAvailable(entry);
    this.pump();
  }

  // ---- state changes ----------------------------------------------------------------

  ready(): void {
    if (this.poolState !== 'paused') return;
    this.poolState = 'ready';
    if (this.events.wants('connectionPoolReady')) {
      this.events.emit('connectionPoolReady', { name: 'connectionPoolReady', address: this.address });
    }
    this.pump();
    this.scheduleBackgroundRun(0);
  }

  clear(options: ClearOptions = {}): void {
    if (this.poolState === 'closed') return;
    const interrupt = options.interruptInUseConnections === true;
    if (this.options.loadBalanced) {
      this.clearService(options.serviceId, interrupt);
      return;
    }
    const clearedGeneration = this.poolGeneration;
    this.poolGeneration += 1;
    this.clearCause = options.cause;
    const wasPaused = this.poolState === 'paused';
    this.poolState = 'paused';
    if (!wasPaused && this.events.wants('connectionPoolCleared')) {
      this.events.emit('connectionPoolCleared', {
        name: 'connectionPoolCleared',
        address: this.address,
        serviceId: undefined,
        interruptInUseConnections: interrupt,
      });
    }
    if (interrupt) this.interrupt(clearedGeneration);
    for (const waiter of this.waitQueue.splice(0)) {
      this.settleFailure(waiter, 'connectionError', this.clearedError());
    }
    this.scheduleBackgroundRun(0);
  }

  close(): void {
    if (this.poolState === 'closed') return;
    this.poolState = 'closed';
    if (this.backgroundTimer !== undefined) clearTimeout(this.backgroundTimer);
    this.backgroundTimer = undefined;
    for (const entry of this.available.splice(0).reverse()) this.closeEntry(entry, 'poolClosed', undefined, false);
    for (const waiter of this.waitQueue.splice(0)) {
      this.settleFailure(waiter, 'poolClosed', new MongoPoolClosedError(this.address));
    }
    for (const entry of this.pending) entry.abort.abort(new MongoPoolClosedError(this.address));
    if (this.events.wants('connectionPoolClosed')) {
      this.events.emit('connectionPoolClosed', { name: 'connectionPoolClosed', address: this.address });
    }
  }

  // ---- internals: servicing the wait queue -------------------------------------------

  /** Serves waiters in order; re-entrant calls (from listeners) just ask for another pass. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.serveWaitQueue();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private serveWaitQueue(): void {
    while (this.poolState === 'ready' && this.waitQueue.length > 0) {
      const waiter = this.waitQueue[0];
      const entry = this.takeAvailable();
      if (entry !== undefined) {
        this.waitQueue.shift();
        this.handOut(waiter, entry);
        continue;
      }
      if (!this.canStartConnecting()) return;
      this.waitQueue.shift();
      this.connectFor(waiter);
    }
  }

  private canStartConnecting(): boolean {
    const { total, pending } = this.stats();
    const underMax = this.options.maxPoolSize === 0 || total < this.options.maxPoolSize;
    return underMax && pending < this.options.maxConnecting;
  }

  /** Pops the newest non-perished available connection, closing perished ones met on the way. */
  private takeAvailable(): Entry<C> | undefined {
    for (let entry = this.available.pop(); entry !== undefined; entry = this.available.pop()) {
      const reason = this.perishedReason(entry, true);
      if (reason === undefined) return entry;
      this.closeEntry(entry, reason, undefined, false);
    }
    return undefined;
  }

  private handOut(waiter: Waiter<C>, entry: Entry<C>): void {
    const conn = entry.conn;
    if (conn === undefined) throw new Error('unreachable: an established entry has its connection');
    entry.state = 'inUse';
    this.inUseCount += 1;
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

  /** Establishes a new connection for `waiter`; the wait-queue limit no longer applies. */
  private connectFor(waiter: Waiter<C>): void {
    waiter.connecting = true;
    waiter.disarm();
    waiter.disarm = waiter.timeout.onDone((cause) => this.onWaiterTimeout(waiter, cause));
    const entry = this.createEntry();
    entry.waiter = waiter;
    this.establish(entry).then(
      () => {
        entry.waiter = undefined;
        if (entry.state === 'pending') {
          this.pending.delete(entry);
          if (!waiter.settled) this.handOut(waiter, entry);
          else this.makeAvailable(entry);
        } else if (!waiter.settled) {
          this.settleFailure(waiter, 'connectionError', this.clearedError());
        }
        this.pump();
      },
      (error: Error) => {
        entry.waiter = undefined;
        if (entry.state === 'pending') this.closeEntry(entry, this.poolState === 'closed' ? 'poolClosed' : 'error', error);
        if (!waiter.settled) this.settleFailure(waiter, this.poolState === 'closed' ? 'poolClosed' : 'connectionError', error);
        this.pump();
      },
    );
  }

  private onWaiterTimeout(waiter: Waiter<C>, cause: TimeoutCause): void {
    if (waiter.settled) return;
    // waitQueueTimeoutMS bounds only the wait for a slot, not an establishment under way.
    if (waiter.connecting && cause.kind === 'cap') return;
    const index = this.waitQueue.indexOf(waiter);
    if (index >= 0) this.waitQueue.splice(index, 1);
    this.settleFailure(waiter, 'timeout', this.timeoutError(cause, waiter.timeout, waiter.startedAt));
    this.pump();
  }

  private settleFailure(waiter: Waiter<C>, reason: CheckOutFailedReason, error: Error): void {
    waiter.settled = true;
    waiter.disarm();
    waiter.reject(this.failCheckOut(waiter.startedAt, reason, error));
  }

  private failCheckOut(startedAt: number, reason: CheckOutFailedReason, error: Error): Error {
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

  private timeoutError(cause: TimeoutCause, timeout: TimeoutContext, startedAt: number): Error {
    if (cause.kind !== 'cap') return timeout.errorFor(cause, `checkout from connection pool ${this.address}`);
    const { inUse, pending, available, waiting } = this.stats();
    const maxPoolSize = this.options.maxPoolSize === 0 ? 'unlimited' : String(this.options.maxPoolSize);
    return new MongoWaitQueueTimeoutError(
      this.address,
      `Timed out while checking out a connection from connection pool ${this.address} after ` +
        `${Math.round(now() - startedAt)} ms (waitQueueTimeoutMS: ${this.options.waitQueueTimeoutMS}): ` +
        `${inUse} checked out, ${pending} pending (being established), ${available} available, ` +
        `${waiting} other checkouts waiting; maxPoolSize: ${maxPoolSize}, maxConnecting: ${this.options.maxConnecting}`,
    );
  }

  private clearedError(): MongoPoolClearedError {
    const cause = this.clearCause;
    const why = cause === undefined ? 'it was paused (the server is not known to be available)' : `another operation failed with: ${cause.message}`;
    return new MongoPoolClearedError(this.address, `Connection pool for ${this.address} was cleared because ${why}`, { cause });
  }

  // ---- internals: connection lifecycle ----------------------------------------------

  private createEntry(): Entry<C> {
    const entry: Entry<C> = {
      id: this.nextId++,
      state: 'pending',
      conn: undefined,
      generation: this.poolGeneration,
      serviceKey: undefined,
      createdAt: now(),
      availableSince: 0,
      abort: new AbortController(),
      waiter: undefined,
    };
    this.pending.add(entry);
    if (this.events.wants('connectionCreated')) {
      this.events.emit('connectionCreated', { name: 'connectionCreated', address: this.address, connectionId: entry.id });
    }
    return entry;
  }

  /** Runs the factory; on success the entry holds its connection and ConnectionReady was emitted. */
  private async establish(entry: Entry<C>): Promise<void> {
    const conn = await this.connect({ id: entry.id, address: this.address, signal: entry.abort.signal });
    if (entry.state !== 'pending') {
      conn.destroy(); // the pool gave up on it (interrupted or closed) and already reported it
      return;
    }
    if (this.poolState === 'closed') {
      this.pending.delete(entry);
      entry.conn = conn;
      this.closeEntry(entry, 'poolClosed', undefined, false);
      throw new MongoPoolClosedError(this.address);
    }
    entry.conn = conn;
    this.byConnection.set(conn, entry);
    if (this.options.loadBalanced && conn.serviceId !== undefined) {
      const key = conn.serviceId.toHexString();
      const service = this.serviceGenerations.get(key) ?? { generation: 0, count: 0 };
      service.count += 1;
      this.serviceGenerations.set(key, service);
      entry.serviceKey = key;
      entry.generation = service.generation;
    }
    conn.generation = entry.generation;
    if (this.events.wants('connectionReady')) {
      this.events.emit('connectionReady', {
        name: 'connectionReady',
        address: this.address,
        connectionId: entry.id,
        durationMS: now() - entry.createdAt,
      });
    }
  }

  private makeAvailable(entry: Entry<C>): void {
    entry.state = 'available';
    entry.availableSince = now();
    this.available.push(entry);
  }

  private perishedReason(entry: Entry<C>, checkIdle: boolean): ConnectionClosedReason | undefined {
    if (this.poolState === 'closed') return 'poolClosed';
    if (this.isEntryStale(entry)) return 'stale';
    if (entry.conn?.closed === true) return 'error';
    if (checkIdle && this.options.maxIdleTimeMS > 0 && now() - entry.availableSince > this.options.maxIdleTimeMS) return 'idle';
    return undefined;
  }

  private isEntryStale(entry: Entry<C>): boolean {
    if (!this.options.loadBalanced || entry.serviceKey === undefined) return entry.generation !== this.poolGeneration;
    return entry.generation !== (this.serviceGenerations.get(entry.serviceKey)?.generation ?? 0);
  }

  /**
   * Marks the entry closed, emits ConnectionClosed and tears the socket down.
   * `removeFromAvailable` is false when the caller already took it off the list.
   */
  private closeEntry(entry: Entry<C>, reason: ConnectionClosedReason, error?: Error, removeFromAvailable = true): void {
    if (entry.state === 'closed') return;
    if (entry.state === 'available' && removeFromAvailable) {
      const index = this.available.indexOf(entry);
      if (index >= 0) this.available.splice(index, 1);
    }
    this.pending.delete(entry);
    entry.state = 'closed';
    if (entry.conn !== undefined) this.byConnection.delete(entry.conn);
    if (entry.serviceKey !== undefined) {
      const service = this.serviceGenerations.get(entry.serviceKey);
      if (service !== undefined && --service.count <= 0) this.serviceGenerations.delete(entry.serviceKey);
    }
    if (this.events.wants('connectionClosed')) {
      this.events.emit('connectionClosed', {
        name: 'connectionClosed',
        address: this.address,
        connectionId: entry.id,
        reason,
        error,
      });
    }
    entry.conn?.destroy();
  }

  /** Interrupts pending and in-use connections of generations up to `generation`. */
  private interrupt(generation: number, serviceKey?: string): void {
    const error = new MongoPoolClearedError(this.address, `Connection to ${this.address} interrupted due to server monitor timeout`);
    // In load-balanced mode a pending connection's service is not known yet: leave it be.
    for (const entry of serviceKey === undefined ? [...this.pending] : []) {
      if (entry.generation > generation) continue;
      entry.abort.abort(error);
      this.closeEntry(entry, 'stale', error);
      const waiter = entry.waiter;
      entry.waiter = undefined;
      if (waiter !== undefined && !waiter.settled) this.settleFailure(waiter, 'connectionError', error);
    }
    for (const entry of this.byConnection.values()) {
      if (entry.state !== 'inUse' || entry.generation > generation) continue;
      if (serviceKey !== undefined && entry.serviceKey !== serviceKey) continue;
      entry.conn?.destroy(error);
    }
  }

  private clearService(serviceId: ObjectId | undefined, interrupt: boolean): void {
    if (serviceId === undefined) {
      throw new MongoInvalidArgumentError(`clearing the load-balanced pool for ${this.address} needs a serviceId`);
    }
    const key = serviceId.toHexString();
    const service = this.serviceGenerations.get(key);
    const cleared = service?.generation ?? 0;
    if (service !== undefined) service.generation += 1;
    if (this.events.wants('connectionPoolCleared')) {
      this.events.emit('connectionPoolCleared', {
        name: 'connectionPoolCleared',
        address: this.address,
        serviceId,
        interruptInUseConnections: interrupt,
      });
    }
    if (interrupt) this.interrupt(cleared, key);
    this.scheduleBackgroundRun(0);
  }

  // ---- internals: background runs ------------------------------------------------------

  private scheduleBackgroundRun(delayMS: number): void {
    if (this.poolState === 'closed') return;
    if (delayMS !== 0 && this.options.backgroundIntervalMS < 0) return;
    if (this.backgroundTimer !== undefined) clearTimeout(this.backgroundTimer);
    this.backgroundTimer = setTimeout(() => this.backgroundRun(), delayMS);
    this.backgroundTimer.unref();
  }

  /** One run: close perished available connections, then start what minPoolSize needs. */
  private backgroundRun(): void {
    this.backgroundTimer = undefined;
    if (this.poolState === 'closed') return;
    for (const entry of [...this.available]) {
      const reason = this.perishedReason(entry, true);
      if (reason !== undefined) this.closeEntry(entry, reason);
    }
    while (this.poolState === 'ready' && this.stats().total < this.options.minPoolSize && this.canStartConnecting()) {
      this.populate();
    }
    this.pump();
    if (this.options.backgroundIntervalMS > 0) this.scheduleBackgroundRun(this.options.backgroundIntervalMS);
  }

  private populate(): void {
    const entry = this.createEntry();
    this.establish(entry).then(
      () => {
        if (entry.state !== 'pending') return;
        this.pending.delete(entry);
        this.makeAvailable(entry);
        this.pump();
      },
      (error: Error) => {
        if (entry.state === 'pending') this.closeEntry(entry, this.poolState === 'closed' ? 'poolClosed' : 'error', error);
        if (this.poolState !== 'closed') this.onBackgroundError?.(error);
        this.pump();
      },
    );
  }
}
