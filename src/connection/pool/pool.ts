// The connection pool (CMAP). One object owns all pool state. Check-in, clear,
// ready and close change that state synchronously, then the wait queue is
// serviced front to back, so they are always handled before pending checkouts
// and a newer checkout is never served before an older one.
import type { ObjectId } from '../../bson.js';
import { MongoInvalidArgumentError, MongoPoolClosedError } from '../../errors.js';
import type { CmapEventMap, ConnectionClosedReason } from '../../monitoring/cmap-events.js';
import { noEvents, type EventTarget } from '../../monitoring/event-sink.js';
import { TimeoutContext, type TimeoutCause } from '../timeout-context.js';
import { CheckoutOutcomes } from './checkout-outcomes.js';
import { interruptConnections, PoolGenerations } from './clearing.js';
import { PoolConnections } from './connections.js';
import { now, type Entry, type PinPurpose } from './entry.js';
import { ConnectionEstablishment } from './establishment.js';
import { explicitPoolOptions, resolvePoolOptions, type PoolableConnection, type ResolvedPoolOptions } from './options.js';
import type { PoolStats } from './pool-messages.js';
import { PoolMaintenance } from './maintenance.js';
import type { CheckOutOptions, ClearOptions, ConnectionPoolConfig, PoolState } from './pool-types.js';
import { WaitQueue, type Waiter } from './wait-queue.js';

export type { PoolStats } from './pool-messages.js';
export type { CheckOutOptions, ClearOptions, ConnectionPoolConfig, PoolState } from './pool-types.js';

export class ConnectionPool<C extends PoolableConnection> {
  readonly address: string;
  readonly options: ResolvedPoolOptions;
  private readonly events: EventTarget<CmapEventMap>;

  private poolState: PoolState = 'paused';
  private readonly generations: PoolGenerations;
  private readonly connections: PoolConnections<C>;
  private readonly waitQueue = new WaitQueue<C>(() => this.serveWaitQueue());
  private readonly outcomes: CheckoutOutcomes<C>;
  private readonly establishment: ConnectionEstablishment<C>;
  private readonly background: PoolMaintenance<C>;

  constructor(config: ConnectionPoolConfig<C>) {
    this.address = config.address;
    const userOptions = config.options ?? {};
    this.options = resolvePoolOptions(userOptions);
    this.events = config.events ?? noEvents<CmapEventMap>();
    this.generations = new PoolGenerations(this.address, this.options.loadBalanced);
    this.connections = new PoolConnections<C>(this.address, this.events, this.generations.services, (entry, checkIdle) =>
      this.perishedReason(entry, checkIdle),
    );
    this.outcomes = new CheckoutOutcomes<C>(this.address, this.events, this.connections);
    this.establishment = new ConnectionEstablishment<C>({
      address: this.address,
      connect: config.connect,
      events: this.events,
      connections: this.connections,
      loadBalanced: this.options.loadBalanced,
      isClosed: () => this.poolState === 'closed',
      onEstablishmentError: config.onEstablishmentError,
    });
    this.background = new PoolMaintenance<C>({
      connections: this.connections,
      minPoolSize: this.options.minPoolSize,
      intervalMS: this.options.backgroundIntervalMS,
      isReady: () => this.poolState === 'ready',
      isClosed: () => this.poolState === 'closed',
      canStartConnecting: () => this.canStartConnecting(),
      establishNew: () => {
        const entry = this.connections.create(this.generations.current);
        return { entry, established: this.establishment.establish(entry) };
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
    return this.generations.current;
  }

  /** The generation a connection to `serviceId` would get now (LB), else the pool's. */
  generationFor(serviceId: ObjectId | undefined): number {
    return this.generations.generationFor(serviceId);
  }

  /** True when `conn` belongs to a generation that was cleared since it was made. */
  isStale(conn: PoolableConnection): boolean {
    return this.generations.isStale(conn);
  }

  /**
   * Records why a checked-out connection stays out (load-balanced cursors and transactions),
   * for the wait-queue timeout message; check-in forgets it.
   */
  markPinned(conn: C, purpose: PinPurpose): void {
    const entry = this.connections.entryOf(conn);
    if (entry !== undefined && entry.state === 'inUse') entry.pinnedFor = purpose;
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
    const startedAt = this.outcomes.started();
    if (this.poolState === 'closed') {
      return Promise.reject(this.outcomes.failed(startedAt, 'poolClosed', new MongoPoolClosedError(this.address)));
    }
    if (this.poolState === 'paused') return Promise.reject(this.outcomes.failed(startedAt, 'connectionError', this.generations.clearedError()));
    const done = timeout.doneCause();
    if (done !== undefined) return Promise.reject(this.outcomes.failed(startedAt, 'timeout', this.timeoutError(done, timeout, startedAt)));

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
    const clearedGeneration = this.generations.clearPool(options.cause);
    const wasPaused = this.poolState === 'paused';
    this.poolState = 'paused';
    if (!wasPaused) this.emitCleared(undefined, interrupt);
    if (interrupt) this.interrupt(clearedGeneration);
    for (const waiter of this.waitQueue.drain()) {
      this.outcomes.settleFailure(waiter, 'connectionError', this.generations.clearedError());
    }
    this.background.runSoon();
  }

  close(): void {
    if (this.poolState === 'closed') return;
    this.poolState = 'closed';
    this.background.stop();
    this.connections.closeAvailable('poolClosed');
    for (const waiter of this.waitQueue.drain()) {
      this.outcomes.settleFailure(waiter, 'poolClosed', new MongoPoolClosedError(this.address));
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
        this.outcomes.handOut(waiter, entry);
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

  /** Establishes a new connection for `waiter`; the wait-queue limit no longer applies. */
  private connectFor(waiter: Waiter<C>): void {
    waiter.connecting = true;
    waiter.disarm();
    waiter.disarm = waiter.timeout.onDone((cause) => this.onWaiterTimeout(waiter, cause));
    const entry = this.connections.create(this.generations.current);
    entry.waiter = waiter;
    this.establishment.establish(entry).then(
      () => {
        entry.waiter = undefined;
        if (entry.state === 'pending') {
          if (!waiter.settled) this.outcomes.handOut(waiter, entry);
          else this.connections.makeAvailable(entry);
        } else if (!waiter.settled) {
          this.outcomes.settleFailure(waiter, 'connectionError', this.generations.clearedError());
        }
        this.waitQueue.service();
      },
      (error: Error) => {
        entry.waiter = undefined;
        if (entry.state === 'pending') this.establishment.fail(entry, error);
        if (!waiter.settled) this.outcomes.settleFailure(waiter, this.poolState === 'closed' ? 'poolClosed' : 'connectionError', error);
        this.waitQueue.service();
      },
    );
  }

  private onWaiterTimeout(waiter: Waiter<C>, cause: TimeoutCause): void {
    if (waiter.settled) return;
    // waitQueueTimeoutMS bounds only the wait for a slot, not an establishment under way.
    if (waiter.connecting && cause.kind === 'cap') return;
    this.waitQueue.remove(waiter);
    this.outcomes.settleFailure(waiter, 'timeout', this.timeoutError(cause, waiter.timeout, waiter.startedAt));
    this.waitQueue.service();
  }

  private timeoutError(cause: TimeoutCause, timeout: TimeoutContext, startedAt: number): Error {
    return this.outcomes.timeoutError(cause, timeout, startedAt, this.stats(), this.options);
  }

  // ---- internals: clearing -----------------------------------------------------------

  private perishedReason(entry: Entry<C>, checkIdle: boolean): ConnectionClosedReason | undefined {
    if (this.poolState === 'closed') return 'poolClosed';
    // A connection that broke (e.g. a pinned one after a network error) closes for that error,
    // even when the pool was cleared meanwhile (load-balancers cursors tests).
    if (entry.conn?.closed === true) return 'error';
    if (this.generations.isEntryStale(entry)) return 'stale';
    if (checkIdle && this.options.maxIdleTimeMS > 0 && now() - entry.availableSince > this.options.maxIdleTimeMS) return 'idle';
    return undefined;
  }

  /** Interrupts pending and in-use connections of generations up to `generation`. */
  private interrupt(generation: number, serviceKey?: string): void {
    interruptConnections(this.connections, this.address, { generation, serviceKey }, (waiter, error) =>
      this.outcomes.settleFailure(waiter, 'connectionError', error),
    );
  }

  private clearService(serviceId: ObjectId | undefined, interrupt: boolean): void {
    if (serviceId === undefined) {
      throw new MongoInvalidArgumentError(`clearing the load-balanced pool for ${this.address} needs a serviceId`);
    }
    const key = serviceId.toHexString();
    const cleared = this.generations.clearService(key);
    this.emitCleared(serviceId, interrupt);
    if (interrupt) this.interrupt(cleared, key);
    this.background.runSoon();
  }

  private emitCleared(serviceId: ObjectId | undefined, interruptInUseConnections: boolean): void {
    if (this.events.wants('connectionPoolCleared')) {
      this.events.emit('connectionPoolCleared', { name: 'connectionPoolCleared', address: this.address, serviceId, interruptInUseConnections });
    }
  }
}
