// One client's sessions: the server session pool, the client's highest seen cluster
// time, explicit sessions (startSession) and implicit ones, and the executor hooks that
// attach lsid / txnNumber / $clusterTime / causal and snapshot read concerns to each
// command and read operationTime / $clusterTime / atClusterTime back from each reply.
// The crud layer's SessionHooks interface is satisfied structurally (sessions sits below crud).
import { Timestamp, type Document } from '../bson.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import {
  MongoAPIError,
  MongoCompatibilityError,
  MongoExpiredSessionError,
  MongoInvalidArgumentError,
  MongoNetworkError,
  MongoOperationTimeoutError,
  MongoPoolClearedError,
  MongoServerError,
  MongoServerSelectionError,
} from '../errors.js';
import { isNewerClusterTime, laterClusterTime, type ClusterTime } from './cluster-time.js';
import { ClientSession, type SessionOptions, type SessionOwner, type TransactionCommandName } from './client-session.js';
import { ServerSessionPool, type PoolClock } from './server-session-pool.js';
import { TransactionHooks } from './transaction-hooks.js';
import type { TransactionDefaults } from './transaction.js';

/** What the sessions layer needs to know about the deployment. */
export interface SessionTarget {
  readonly topologyType: string;
  /** The TopologyDescription's logicalSessionTimeoutMinutes (null: sessions unsupported), when the target knows it. */
  readonly logicalSessionTimeoutMinutes?: number | null;
}

/** The server an attempt runs on (crud's ServerHandle, structurally). */
export interface SessionServer {
  readonly description: {
    readonly type: string;
    readonly maxWireVersion: number;
    readonly logicalSessionTimeoutMinutes?: number | null;
  };
}

/** An operation as the hooks see it (crud's Operation, structurally). */
export interface SessionOperation {
  readonly commandName: string;
  readonly capabilities: {
    readonly kind: 'read' | 'write' | 'command';
    readonly retryable: boolean;
    readonly usesReadConcern: boolean;
    readonly mustUseSameServer: boolean;
    readonly readPreferenceAllowed?: boolean;
    /** commitTransaction / abortTransaction. */
    readonly endsTransaction?: boolean;
  };
  readonly readPreference?: { readonly mode: string };
  readonly session?: unknown;
}

/** The retry state fields the hooks read and write (crud's RetryState, structurally). */
export interface SessionRetryState {
  /** The session the operation runs in: explicit, or the implicit one chosen here. */
  session: unknown;
  /** The transaction number every attempt of a retryable write reuses. */
  txnNumber: unknown;
  /** The caller takes over an implicit session after success (a cursor that stays open). */
  readonly keepSession?: boolean;
}

export interface ClientSessionsSettings<TClient> {
  readonly target: SessionTarget;
  /** The application's client object, exposed as ClientSession.client. */
  readonly client: TClient;
  readonly retryWrites: boolean;
  readonly clock?: PoolClock;
  /** The client's concerns, inherited by transactions whose options do not set them. */
  readonly transactionDefaults?: TransactionDefaults;
  /** Sends commitTransaction / abortTransaction through the client's executor. */
  readonly runTransactionCommand?: (session: ClientSession<TClient>, command: TransactionCommandName, timeout: TimeoutContext | undefined) => Promise<void>;
  /** The client's timeoutMS (CSOT): a session's defaultTimeoutMS when its options set none. */
  readonly timeoutMS?: number;
}

/** Write commands that accept a readConcern holding only afterClusterTime (read-write-concern spec). */
const AFTER_CLUSTER_TIME_WRITES: ReadonlySet<string> = new Set(['insert', 'update', 'findAndModify', 'delete', 'bulkWrite', 'create', 'createIndexes', 'drop', 'dropDatabase', 'dropIndexes']);

/** Commands that never carry an implicit session. */
const NO_IMPLICIT_SESSION: ReadonlySet<string> = new Set(['endSessions', 'startSession', 'hello', 'isMaster', 'ismaster']);

/** Raised by the driver before the server saw the command (bad input, serialization): no transaction state changes. */
function isClientSideError(error: unknown): boolean {
  return !(error instanceof MongoNetworkError || error instanceof MongoServerError || error instanceof MongoServerSelectionError || error instanceof MongoOperationTimeoutError);
}

function isUnacknowledged(body: Document): boolean {
  const writeConcern: unknown = body.writeConcern;
  if (typeof writeConcern !== 'object' || writeConcern === null) return false;
  const w: unknown = (writeConcern as Document).w;
  return typeof w === 'number' ? w === 0 : typeof w === 'object' && w !== null && Number(w) === 0;
}

/** Retryable writes need a session-capable, non-standalone 3.6+ server (retryable-writes spec). */
function supportsRetryableWrites(server: SessionServer): boolean {
  const d = server.description;
  return d.type !== 'Standalone' && d.maxWireVersion >= 6 && d.logicalSessionTimeoutMinutes !== undefined && d.logicalSessionTimeoutMinutes !== null;
}

/** Commands that continue an existing cursor: they never carry a read concern. */
const CURSOR_CONTINUATIONS = new Set(['getMore', 'killCursors']);

export class ClientSessions<TClient = unknown> implements SessionOwner {
  readonly pool: ServerSessionPool;
  private highestClusterTime: ClusterTime | undefined;
  /** For targets that do not report the topology's value: the latest server's. */
  private lastServerTimeout: number | null = null;
  /** Retry states whose implicit session this layer started (and so must end). */
  private readonly ownsImplicit = new WeakSet<SessionRetryState>();
  private readonly target: SessionTarget;
  private readonly client: TClient;
  private readonly retryWrites: boolean;
  private readonly clock: PoolClock;
  private readonly settings: ClientSessionsSettings<TClient>;
  private readonly transactions = new TransactionHooks();

  constructor(settings: ClientSessionsSettings<TClient>) {
    this.settings = settings;
    this.target = settings.target;
    this.client = settings.client;
    this.retryWrites = settings.retryWrites;
    this.clock = settings.clock ?? { now: () => Date.now() };
    this.pool = new ServerSessionPool(this.clock);
  }

  /** The highest `$clusterTime` received from any server (never from advanceClusterTime). */
  get clusterTime(): ClusterTime | undefined {
    return this.highestClusterTime;
  }

  /** An explicit session; session support is checked when it is first used, not here. */
  startSession(options?: SessionOptions): ClientSession<TClient> {
    return new ClientSession({ owner: this, client: this.client, serverSession: this.pool.acquire(this.timeoutMinutes(), this.loadBalanced), explicit: true, options });
  }

  get transactionDefaults(): TransactionDefaults | undefined {
    return this.settings.transactionDefaults;
  }

  get timeoutMS(): number | undefined {
    return this.settings.timeoutMS;
  }

  async runTransactionCommand(session: ClientSession<unknown>, command: TransactionCommandName, timeout: TimeoutContext | undefined): Promise<void> {
    const run = this.settings.runTransactionCommand;
    if (run === undefined) throw new MongoCompatibilityError('this client cannot run transactions');
    await run(session as ClientSession<TClient>, command, timeout);
  }

  releaseSession(session: ClientSession<unknown>): void {
    this.pool.release(session.serverSession, this.timeoutMinutes(), this.loadBalanced);
  }

  /** Ends an implicit session a cursor (or bulk write) took over; explicit sessions are the application's. */
  releaseImplicit(session: unknown): void {
    if (session instanceof ClientSession && !session.explicit && !session.hasEnded) void session.endSession();
  }

  /** Whether the deployment (as last described) supports sessions; false when unknown. */
  supportsSessions(server?: SessionServer): boolean {
    return this.loadBalanced || this.timeoutMinutes(server) !== null;
  }

  /** Empties the pool: the lsids to end with endSessions on close, ≤ 10,000 per batch. */
  drainForEndSessions(): Document[][] {
    return this.pool.drain();
  }

  // ---- executor hooks -------------------------------------------------------------

  begin(operation: SessionOperation, state: SessionRetryState): void {
    if (operation.session === undefined) return;
    const session = this.validate(operation.session);
    state.session = session;
    this.transactions.begin(operation, session);
  }

  decorate(body: Document, operation: SessionOperation, state: SessionRetryState, server: SessionServer): void {
    let session = state.session instanceof ClientSession ? state.session : undefined;
    if (session !== undefined && this.transactions.applies(operation, session)) {
      if (!this.supportsSessions(server)) throw new MongoCompatibilityError('this deployment does not support sessions (no logicalSessionTimeoutMinutes)');
      body.lsid = session.id;
      session.serverSession.markUsed(this.clock.now());
      this.transactions.decorate(body, operation, state, session, server, this.target.topologyType);
      const gossip = laterClusterTime(this.highestClusterTime, session.clusterTime);
      if (gossip !== undefined) body.$clusterTime = gossip;
      return;
    }
    const unacknowledged = isUnacknowledged(body);
    if (session === undefined) {
      // Implicit: only now, after checkout, and only where the server will accept it.
      if (!unacknowledged && !operation.capabilities.mustUseSameServer && !NO_IMPLICIT_SESSION.has(operation.commandName) && this.supportsSessions(server)) {
        session = new ClientSession({ owner: this, client: this.client, serverSession: this.pool.acquire(this.timeoutMinutes(server), this.loadBalanced), explicit: false });
        state.session = session;
        this.ownsImplicit.add(state);
      }
    } else {
      if (!this.supportsSessions(server)) throw new MongoCompatibilityError('this deployment does not support sessions (no logicalSessionTimeoutMinutes)');
      if (unacknowledged && session.explicit) throw new MongoAPIError('cannot use an explicit session with an unacknowledged (w: 0) write');
    }
    if (session !== undefined && !unacknowledged) {
      body.lsid = session.id;
      session.serverSession.markUsed(this.clock.now());
      this.addTxnNumber(body, operation, state, session, server);
      this.addReadConcern(body, operation, session);
    }
    const clusterTime = laterClusterTime(this.highestClusterTime, session?.clusterTime);
    if (clusterTime !== undefined) body.$clusterTime = clusterTime;
  }

  observeReply(reply: Document, operation: SessionOperation, state?: SessionRetryState): void {
    const session = state?.session instanceof ClientSession ? state.session : operation.session instanceof ClientSession ? operation.session : undefined;
    const clusterTime: unknown = reply.$clusterTime;
    if (isNewerClusterTime(clusterTime, this.highestClusterTime)) this.highestClusterTime = clusterTime;
    if (session === undefined) return;
    if (isNewerClusterTime(clusterTime, session.clusterTime)) session.advanceClusterTime(clusterTime);
    if (reply.operationTime instanceof Timestamp) session.advanceOperationTime(reply.operationTime);
    this.transactions.observeReply(reply, session);
    if (session.snapshot && session.snapshotTime === undefined) {
      const cursor: unknown = reply.cursor;
      const fromCursor = typeof cursor === 'object' && cursor !== null ? (cursor as Document).atClusterTime : undefined;
      const atClusterTime: unknown = fromCursor ?? reply.atClusterTime;
      if (atClusterTime instanceof Timestamp) session.recordSnapshotTime(atClusterTime);
    }
  }

  /** Every failed attempt: a network error leaves the server's view of the session unknown. */
  attemptFailed(error: unknown, operation: SessionOperation, state: SessionRetryState): void {
    const session = state.session instanceof ClientSession ? state.session : undefined;
    if (session === undefined) return;
    if (error instanceof MongoNetworkError && !(error instanceof MongoPoolClearedError)) session.serverSession.markDirty();
    this.transactions.attemptFailed(error, operation, state, session, isClientSideError(error));
  }

  /** The server a sharded transaction is pinned to, for its later commands. */
  pinnedServer(operation: SessionOperation): unknown {
    return operation.session instanceof ClientSession ? this.transactions.pinnedServer(operation, operation.session) : undefined;
  }

  /** The connection a load-balanced transaction is pinned to, for its later commands. */
  pinnedConnection(operation: SessionOperation): unknown {
    if (!this.loadBalanced) return undefined;
    return operation.session instanceof ClientSession ? this.transactions.pinnedConnection(operation, operation.session) : undefined;
  }

  /**
   * After an attempt is decorated: a load-balanced transaction keeps the connection it started
   * on (true: the executor must not check it in; `release` does, when the transaction unpins).
   */
  adoptConnection(operation: SessionOperation, state: SessionRetryState, connection: unknown, release: () => void): boolean {
    if (!this.loadBalanced) return false;
    const session = state.session instanceof ClientSession ? state.session : undefined;
    if (session === undefined || !this.transactions.applies(operation, session)) return false;
    return this.transactions.adoptConnection(operation, session, connection, release);
  }

  end(_operation: SessionOperation, state: SessionRetryState, error: unknown): void {
    if (!this.ownsImplicit.has(state)) return;
    this.ownsImplicit.delete(state);
    if (state.keepSession === true && error === undefined) return;
    this.releaseImplicit(state.session);
  }

  inTransaction(operation: SessionOperation): boolean {
    return operation.session instanceof ClientSession && operation.session.inTransaction();
  }

  // ---- internals ------------------------------------------------------------------

  private get loadBalanced(): boolean {
    return this.target.topologyType === 'LoadBalanced';
  }

  private timeoutMinutes(server?: SessionServer): number | null {
    const fromTopology = this.target.logicalSessionTimeoutMinutes;
    if (fromTopology !== undefined) return fromTopology;
    if (server !== undefined) this.lastServerTimeout = server.description.logicalSessionTimeoutMinutes ?? null;
    return this.lastServerTimeout;
  }

  private validate(session: unknown): ClientSession {
    if (!(session instanceof ClientSession)) throw new MongoInvalidArgumentError('session must be a ClientSession from client.startSession()');
    if (session.client !== this.client) throw new MongoInvalidArgumentError('ClientSession must be from the same client that runs the operation');
    if (session.hasEnded) throw new MongoExpiredSessionError('Cannot use a session that has ended');
    return session as ClientSession;
  }

  private addTxnNumber(body: Document, operation: SessionOperation, state: SessionRetryState, session: ClientSession, server: SessionServer): void {
    const caps = operation.capabilities;
    if (caps.kind !== 'write' || !caps.retryable || !this.retryWrites || !supportsRetryableWrites(server)) return;
    state.txnNumber ??= session.serverSession.nextTxnNumber();
    body.txnNumber = state.txnNumber;
  }

  /** Causal consistency adds afterClusterTime; snapshot sessions read at one snapshot. Never mutates the operation's own document. */
  private addReadConcern(body: Document, operation: SessionOperation, session: ClientSession): void {
    if (session.inTransaction()) return;
    const current: unknown = body.readConcern;
    const base: Document = typeof current === 'object' && current !== null ? { ...(current as Document) } : {};
    // snapshot-sessions.md: level and atClusterTime go on every command of a snapshot session, writes
    // included, so the server (not the driver) refuses what cannot run at a snapshot. A cursor's
    // getMore/killCursors continue a command that already carried them.
    if (session.snapshot) {
      if (CURSOR_CONTINUATIONS.has(operation.commandName)) return;
      base.level = 'snapshot';
      if (session.snapshotTime !== undefined) base.atClusterTime = session.snapshotTime;
      body.readConcern = base;
      return;
    }
    if (!operation.capabilities.usesReadConcern && !(session.causalConsistency && AFTER_CLUSTER_TIME_WRITES.has(operation.commandName))) return;
    const operationTime = session.operationTime;
    if (!session.causalConsistency || operationTime === undefined) return;
    base.afterClusterTime = operationTime;
    body.readConcern = base;
  }
}
