// The connection pool (CMAP). One object owns all pool state. Check-in, clear,
// ready and close change that state synchronously, then the wait queue is
// serviced front to back, so they are always handled before pending checkouts
// and a newer checkout is never served before an older one.
import type { ObjectId } from '../../bson.js';
import { MongoInvalidArgumentError, MongoPoolClosedError } from '../../errors.js';
import type { CheckOutFailedReason, CmapEventMap, ConnectionClosedReason } from '../../monitoring/cmap-events.js';
import { noEvents, type EventTarget } from '../../monitoring/event-sink.js';
import { TimeoutContext, type TimeoutCause } from '../timeout-context.js';
import { PoolConnections } from './connections.js';
import { now, type Entry, type PinPurpose } from './entry.js';
import {
  explicitPoolOptions,
  resolvePoolOptions,
  type ConnectionFactory,
  type PoolableConnection,
  type ResolvedPoolOptions,
} from './options.js';
import { poolClearedError, poolInterruptedError, waitQueueTimeoutError, type PinnedCounts, type PoolStats } from './pool-messages.js';
import { PoolMaintenance } from './maintenance.js';
import { ServiceGenerations } from './service-generations.js';
import type { CheckOutOptions, ClearOptions, ConnectionPoolConfig, PoolState } from './pool-types.js';
import { WaitQueue, type Waiter } from './wait-queue.js';

export type { PoolStats } from './pool-messages.js';
export type { CheckOutOptions, ClearOptions, ConnectionPoolConfig, PoolState } from './pool-types.js';

export class ConnectionPool<C extends PoolableConnection> {
  readonly address: string;
  readonly options: ResolvedPoolOptions;
  private readonly connect: ConnectionFactory<C>;
  private readonly events: EventTarget<CmapEventMap>;

  private poolState: PoolState = 'paused';
  private poolGeneration = 0;
  private readonly services = new ServiceGenerations();
  private clearCause: Error | undefined;
  private readonly connections: PoolConnections<C>;
  private readonly waitQueue = new WaitQueue<C>(() => this.serveWaitQueue());
  private readonly background: PoolMaintenance<C>;
  private readonly onEstablishmentError: ((error: Error, generation: number) => void) | undefined;

  constructor(config: ConnectionPoolConfig<C>) {
    this.address = config.address;
    const userOptions = config.options ?? {};
    this.options = resolvePoolOptions(userOptions);
    this.connect = config.connect;
    this.events = config.events ?? noEvents<CmapEventMap>();
    this.onEstablishmentError = config.onEstablishmentError;
    this.connections = new PoolConnections<C>(this.address, this.events, this.services, (entry, checkIdle) =>
      this.perishedReason(entry, checkIdle),
    );
    this.background = new PoolMaintenance<C>({
      connections: this.connections,
      minPoolSize: this.options.minPoolSize,
      intervalMS: this.options.backgroundIntervalMS,
      isReady: () => this.poolState === 'ready',
      isClosed: () => this.poolState === 'closed',
      canStartConnecting: () => this.canStartConnecting(),
      establishNew: () => {
        const entry = this.createEntry();
        return { entry, established: this.establish(entry) };
      },
      serviceWaitQueue: () => this.waitQueue.service(),
      onPopulationError: config.onBackgroundError,
    });
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
    return this.services.generationOf(serviceId.toHexString());
  }

  /** True when `conn` belongs to a generation that was cleared since it was made. */
  isStale(conn: PoolableConnection): boolean {
    return conn.generation !== this.generationFor(conn.serviceId);
  }

  /**
   * Records why a checked-out connection stays out (load-balanced cursors and transactions),
   * for the wait-queue timeout message; check-in forgets it.
   */
  markPinned(conn: C, purpose: PinPurpose): void {
    const entry = this.connections.entryOf(conn);
    if (entry !== undefined && entry.state === 'inUse') entry.pinnedFor = purpose;
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

  stats(): PoolStats {
    return {
      total: this.connections.total,
      available: this.connections.availableCount,
      pending: this.connections.pendingCount,
      inUse: this.connections.inUse,
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
      this.waitQueue.service();
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
    const entry = this.connections.entryOf(conn);
    if (entry === undefined) {
      throw new MongoInvalidArgumentError(`connection ${conn.id} does not belong to the pool for ${this.address}`);
    }
    if (entry.state !== 'inUse') {
      throw new MongoInvalidArgumentError(`connection ${conn.id} to ${this.address} is not checked out (state: ${entry.state})`);
    }
    entry.pinnedFor = undefined;
    if (this.events.wants('connectionCheckedIn')) {
      this.events.emit('connectionCheckedIn', { name: 'connectionCheckedIn', address: this.address, connectionId: entry.id });
    }
    this.connections.checkIn(entry);
    this.waitQueue.service();
  }

  // ---- state changes ----------------------------------------------------------------

  ready(): void {
    if (this.poolState !== 'paused') return;
    this.poolState = 'ready';
    if (this.events.wants('connectionPoolReady')) {
      this.events.emit('connectionPoolReady', { name: 'connectionPoolReady', address: this.address });
    }
    this.waitQueue.service();
    this.background.runSoon();
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
    for (const waiter of this.waitQueue.drain()) {
      this.settleFailure(waiter, 'connectionError', this.clearedError());
    }
    this.background.runSoon();
  }

  close(): void {
    if (this.poolState === 'closed') return;
    this.poolState = 'closed';
    this.background.stop();
    this.connections.closeAvailable('poolClosed');
    for (const waiter of this.waitQueue.drain()) {
      this.settleFailure(waiter, 'poolClosed', new MongoPoolClosedError(this.address));
    }
    for (const entry of this.connections.pending()) entry.abort.abort(new MongoPoolClosedError(this.address));
    if (this.events.wants('connectionPoolClosed')) {
      this.events.emit('connectionPoolClosed', { name: 'connectionPoolClosed', address: this.address });
    }
  }

  // ---- internals: servicing the wait queue -------------------------------------------

  private serveWaitQueue(): void {
    // Connections being established that nobody waits for (minPoolSize population,
    // abandoned checkouts) become available soon: that many of the oldest waiters
    // wait for them instead of opening more, so threads blocked by maxConnecting
    // get the population's connections and the pool does not overshoot.
    let comingSoon = this.connections.unclaimedPendingCount();
    let index = 0;
    while (this.poolState === 'ready') {
      const waiter = this.waitQueue.at(index);
      if (waiter === undefined) return;
      const entry = this.connections.takeAvailable();
      if (entry !== undefined) {
        this.waitQueue.removeAt(index);
        this.handOut(waiter, entry);
        continue;
      }
      if (comingSoon > 0) {
        comingSoon -= 1;
        index += 1;
        continue;
      }
      if (!this.canStartConnecting()) return;
      this.waitQueue.removeAt(index);
      this.connectFor(waiter);
    }
  }

  private canStartConnecting(): boolean {
    const { total, pending } = this.stats();
    const underMax = this.options.maxPoolSize === 0 || total < this.options.maxPoolSize;
    return underMax && pending < this.options.maxConnecting;
  }

  private handOut(waiter: Waiter<C>, entry: Entry<C>): void {
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
          if (!waiter.settled) this.handOut(waiter, entry);
          else this.connections.makeAvailable(entry);
        } else if (!waiter.settled) {
          this.settleFailure(waiter, 'connectionError', this.clearedError());
        }
        this.waitQueue.service();
      },
      (error: Error) => {
        entry.waiter = undefined;
        if (entry.state === 'pending') this.failEstablishment(entry, error);
        if (!waiter.settled) this.settleFailure(waiter, this.poolState === 'closed' ? 'poolClosed' : 'connectionError', error);
        this.waitQueue.service();
      },
    );
  }

  /**
   * A checkout's connection failed to establish: SDAM handles the error first (normally
   * clearing the pool), then the connection is reported closed, the order SDAM's
   * pool-clear-checkout-error test expects (ConnectionPoolCleared before ConnectionClosed).
   */
  private failEstablishment(entry: Entry<C>, error: Error): void {
    // Out of the pending set first, so a clear that interrupts does not report it as stale.
    this.connections.leavePending(entry);
    try {
      if (this.poolState !== 'closed') this.onEstablishmentError?.(error, entry.generation);
    } catch {
      // The owner's handling failed: the checkout must still fail with the establishment error, not hang.
    }
    this.connections.close(entry, this.poolState === 'closed' ? 'poolClosed' : 'error', error);
  }

  private onWaiterTimeout(waiter: Waiter<C>, cause: TimeoutCause): void {
    if (waiter.settled) return;
    // waitQueueTimeoutMS bounds only the wait for a slot, not an establishment under way.
    if (waiter.connecting && cause.kind === 'cap') return;
    this.waitQueue.remove(waiter);
    this.settleFailure(waiter, 'timeout', this.timeoutError(cause, waiter.timeout, waiter.startedAt));
    this.waitQueue.service();
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
    return waitQueueTimeoutError(this.address, now() - startedAt, this.stats(), this.options, this.options.loadBalanced ? this.pinnedCounts() : undefined);
  }

  private clearedError(): Error {
    return poolClearedError(this.address, this.clearCause);
  }

  // ---- internals: connection lifecycle ----------------------------------------------

  private createEntry(): Entry<C> {
    return this.connections.create(this.poolGeneration);
  }

  /** Runs the factory; on success the entry holds its connection and ConnectionReady was emitted. */
  private async establish(entry: Entry<C>): Promise<void> {
    const conn = await this.connect({ id: entry.id, address: this.address, signal: entry.abort.signal });
    if (entry.state !== 'pending') {
      conn.destroy(); // the pool gave up on it (interrupted or closed) and already reported it
      return;
    }
    if (this.poolState === 'closed') {
      entry.conn = conn;
      this.connections.close(entry, 'poolClosed');
      throw new MongoPoolClosedError(this.address);
    }
    this.connections.attach(entry, conn, this.options.loadBalanced);
    if (this.events.wants('connectionReady')) {
      this.events.emit('connectionReady', {
        name: 'connectionReady',
        address: this.address,
        connectionId: entry.id,
        durationMS: now() - entry.createdAt,
      });
    }
  }

  private perishedReason(entry: Entry<C>, checkIdle: boolean): ConnectionClosedReason | undefined {
    if (this.poolState === 'closed') return 'poolClosed';
    // A connection that broke (e.g. a pinned one after a network error) closes for that error,
    // even when the pool was cleared meanwhile (load-balancers cursors tests).
    if (entry.conn?.closed === true) return 'error';
    if (this.isEntryStale(entry)) return 'stale';
    if (checkIdle && this.options.maxIdleTimeMS > 0 && now() - entry.availableSince > this.options.maxIdleTimeMS) return 'idle';
    return undefined;
  }

  private isEntryStale(entry: Entry<C>): boolean {
    if (!this.options.loadBalanced || entry.serviceKey === undefined) return entry.generation !== this.poolGeneration;
    return entry.generation !== this.services.generationOf(entry.serviceKey);
  }

  /** Interrupts pending and in-use connections of generations up to `generation`. */
  private interrupt(generation: number, serviceKey?: string): void {
    const error = poolInterruptedError(this.address);
    // In load-balanced mode a pending connection's service is not known yet: leave it be.
    for (const entry of serviceKey === undefined ? this.connections.pending() : []) {
      if (entry.generation > generation) continue;
      entry.abort.abort(error);
      this.connections.close(entry, 'stale', error);
      const waiter = entry.waiter;
      entry.waiter = undefined;
      if (waiter !== undefined && !waiter.settled) this.settleFailure(waiter, 'connectionError', error);
    }
    for (const entry of this.connections.checkedOut()) {
      if (entry.generation > generation) continue;
      if (serviceKey !== undefined && entry.serviceKey !== serviceKey) continue;
      entry.conn?.destroy(error);
    }
  }

  private clearService(serviceId: ObjectId | undefined, interrupt: boolean): void {
    if (serviceId === undefined) {
      throw new MongoInvalidArgumentError(`clearing the load-balanced pool for ${this.address} needs a serviceId`);
    }
    const key = serviceId.toHexString();
    const cleared = this.services.clear(key);
    if (this.events.wants('connectionPoolCleared')) {
      this.events.emit('connectionPoolCleared', {
        name: 'connectionPoolCleared',
        address: this.address,
        serviceId,
        interruptInUseConnections: interrupt,
      });
    }
    if (interrupt) this.interrupt(cleared, key);
    this.background.runSoon();
  }
}
