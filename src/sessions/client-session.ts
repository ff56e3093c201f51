// ClientSession: the application's handle on a logical session (driver-sessions,
// causal-consistency and snapshot-sessions specs). Not safe for concurrent use by
// overlapping operations; one operation at a time, as the spec requires.
import { Timestamp, type Document } from '../bson.js';
import { MongoCompatibilityError, MongoInvalidArgumentError } from '../errors.js';
import { clusterTimestampOf, compareTimestamps, isNewerClusterTime, type ClusterTime } from './cluster-time.js';
import type { ServerSession } from './server-session.js';

export interface SessionOptions {
  /** Reads see this session's earlier writes (default true, unless snapshot). */
  causalConsistency?: boolean;
  /** Reads (find, aggregate, distinct) share one snapshot; needs a replica set or sharded cluster. */
  snapshot?: boolean;
  /** The snapshot to read at (only with snapshot: true); default: the first read's. */
  snapshotTime?: Timestamp;
}

/** What a session reports back to the client that made it. */
export interface SessionOwner {
  /** Returns the session's server session to the pool (endSession, end of an implicit operation). */
  releaseSession(session: ClientSession<unknown>): void;
}

export interface ClientSessionInit<TClient> {
  readonly owner: SessionOwner;
  readonly client: TClient;
  readonly serverSession: ServerSession;
  readonly explicit: boolean;
  readonly options?: SessionOptions;
}

/**
 * Validates session options (the spec forbids snapshot with causalConsistency, and
 * snapshotTime without snapshot) and fills in the defaults.
 */
function resolveOptions(options: SessionOptions | undefined, explicit: boolean): { causalConsistency: boolean; snapshot: boolean; snapshotTime: Timestamp | undefined } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new MongoInvalidArgumentError('session options must be an object');
  const snapshot = options?.snapshot === true;
  if (snapshot && options?.causalConsistency === true) {
    throw new MongoInvalidArgumentError('Properties "causalConsistency" and "snapshot" are mutually exclusive');
  }
  const snapshotTime = options?.snapshotTime;
  if (snapshotTime !== undefined) {
    if (!snapshot) throw new MongoInvalidArgumentError('snapshotTime can only be set on a snapshot session (snapshot: true)');
    if (!(snapshotTime instanceof Timestamp)) throw new MongoInvalidArgumentError('snapshotTime must be a Timestamp');
  }
  // Implicit sessions are never causally consistent (it could clash with the operation's read concern).
  const causalConsistency = explicit && !snapshot && options?.causalConsistency !== false;
  return { causalConsistency, snapshot, snapshotTime };
}

export class ClientSession<TClient = unknown> implements AsyncDisposable {
  /** The client that started this session; it may only be used with that client. */
  readonly client: TClient;
  /** Started by the application (startSession) rather than by the driver for one operation. */
  readonly explicit: boolean;
  readonly causalConsistency: boolean;
  readonly snapshot: boolean;
  private readonly owner: SessionOwner;
  private readonly server: ServerSession;
  private latestClusterTime: ClusterTime | undefined;
  private latestOperationTime: Timestamp | undefined;
  private snapshotAt: Timestamp | undefined;
  private ended = false;

  constructor(init: ClientSessionInit<TClient>) {
    const resolved = resolveOptions(init.options, init.explicit);
    this.client = init.client;
    this.owner = init.owner;
    this.server = init.serverSession;
    this.explicit = init.explicit;
    this.causalConsistency = resolved.causalConsistency;
    this.snapshot = resolved.snapshot;
    this.snapshotAt = resolved.snapshotTime;
  }

  /** The logical session id sent as `lsid`: { id: UUID }. */
  get id(): Document {
    return this.server.id;
  }

  /** The highest `$clusterTime` this session has seen (or was advanced to). */
  get clusterTime(): ClusterTime | undefined {
    return this.latestClusterTime;
  }

  /** The operationTime of the latest operation in this session (or advanced to). */
  get operationTime(): Timestamp | undefined {
    return this.latestOperationTime;
  }

  /** For snapshot sessions: the time reads are pinned to, once known. Undefined otherwise. */
  get snapshotTime(): Timestamp | undefined {
    return this.snapshotAt;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** @internal The pooled server session (lsid, txnNumber, dirty flag). */
  get serverSession(): ServerSession {
    return this.server;
  }

  /** Moves the session's cluster time forward (never back); the client's is left alone. */
  advanceClusterTime(clusterTime: ClusterTime): void {
    if (clusterTimestampOf(clusterTime) === undefined) {
      throw new MongoInvalidArgumentError('advanceClusterTime needs a $clusterTime document whose clusterTime is a Timestamp');
    }
    if (isNewerClusterTime(clusterTime, this.latestClusterTime)) this.latestClusterTime = clusterTime;
  }

  /** Moves the session's operation time forward (never back). */
  advanceOperationTime(operationTime: Timestamp): void {
    if (!(operationTime instanceof Timestamp)) throw new MongoInvalidArgumentError('advanceOperationTime needs a Timestamp');
    const current = this.latestOperationTime;
    if (current === undefined || compareTimestamps(operationTime, current) > 0) this.latestOperationTime = operationTime;
  }

  /** @internal Records the snapshot time of a snapshot session's first read. */
  recordSnapshotTime(time: Timestamp): void {
    if (this.snapshot && this.snapshotAt === undefined) this.snapshotAt = time;
  }

  /** Multi-document transactions are not implemented yet (a single node cannot run them). */
  inTransaction(): boolean {
    return false;
  }

  startTransaction(): never {
    throw new MongoCompatibilityError('transactions are not supported yet by mongrove');
  }

  /** Ends the session and returns its server session to the pool. Later calls do nothing. */
  async endSession(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.owner.releaseSession(this);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.endSession();
  }
}
