// One server of a Topology: its address, its connection pool and its monitor, and
// the view of its current description the operation layer reads. Errors seen by
// operations go back to the Topology, which owns every description change.
import type { ObjectId } from '../bson.js';
import type { Connection } from '../connection/connection.js';
import type { ConnectionPool } from '../connection/pool/pool.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { MongoPoolClearedError } from '../errors.js';
import type { Monitor } from './monitor/monitor.js';
import type { ServerDescription } from './server-description.js';
import type { ServerType } from './types.js';

/** What the operation layer needs to know about a server (crud's ServerHandle.description). */
export interface ServerView {
  readonly type: ServerType;
  readonly maxWireVersion: number;
  readonly logicalSessionTimeoutMinutes: number | null;
  /** The monitor's minimum RTT (CSOT derives maxTimeMS from it); null before the first check. */
  readonly minRoundTripTime: number | null;
}

/** Where an operation's error came from, for the topology's error handling. */
export interface ServerErrorOrigin {
  readonly generation: number;
  readonly serviceId: ObjectId | undefined;
  readonly maxWireVersion: number;
  readonly completedHandshake: boolean;
  /** The error came from the authentication step of the connection's establishment. */
  readonly duringAuthentication?: boolean;
}

/** The Topology's side of a server: error handling routed through the pure SDAM functions. */
export interface ServerOwner {
  handleServerError(server: Server, error: unknown, origin: ServerErrorOrigin): void;
}

/** The connection fields error handling reads; a Connection has them all. */
interface ConnectionLike {
  readonly generation?: number;
  readonly serviceId?: ObjectId;
  readonly description?: { readonly maxWireVersion: number } | undefined;
}

export class Server {
  private current: ServerDescription;
  private running = 0;
  /** maxWireVersion learned from a handshake, for load balancers whose description has none. */
  private handshakeMaxWireVersion = 0;

  constructor(
    readonly address: string,
    initial: ServerDescription,
    readonly pool: ConnectionPool<Connection>,
    readonly monitor: Monitor | undefined,
    private readonly owner: ServerOwner,
  ) {
    this.current = initial;
  }

  /** The full SDAM description (as of the topology's latest update). */
  get serverDescription(): ServerDescription {
    return this.current;
  }

  get description(): ServerView {
    const current = this.current;
    return {
      type: current.type,
      maxWireVersion: current.maxWireVersion ?? this.handshakeMaxWireVersion,
      logicalSessionTimeoutMinutes: current.logicalSessionTimeoutMinutes,
      minRoundTripTime: current.minRoundTripTime,
    };
  }

  /** Operations currently holding a connection (selection's "power of two choices"). */
  get operationCount(): number {
    return this.running;
  }

  /** Called by the Topology only. */
  updateDescription(description: ServerDescription): void {
    this.current = description;
  }

  async checkOut(ctx: TimeoutContext): Promise<Connection> {
    // A connection that fails while being established reaches SDAM through the pool's
    // onEstablishmentError hook (before it is reported closed), not from here.
    const connection = await this.pool.checkOut({ timeout: ctx });
    this.running += 1;
    const maxWireVersion = connection.description?.maxWireVersion;
    if (maxWireVersion !== undefined) this.handshakeMaxWireVersion = maxWireVersion;
    return connection;
  }

  /** A checked-out connection stays out for a cursor or a transaction (load-balanced mode). */
  markPinned(connection: Connection, purpose: 'cursor' | 'transaction'): void {
    this.pool.markPinned(connection, purpose);
  }

  checkIn(connection: Connection): void {
    this.running = Math.max(0, this.running - 1);
    this.pool.checkIn(connection);
  }

  /** An operation on this server failed: SDAM decides whether the server is Unknown and the pool cleared. */
  handleError(error: unknown, connection?: ConnectionLike): void {
    if (error instanceof MongoPoolClearedError) return;
    const serviceId = connection?.serviceId;
    this.owner.handleServerError(this, error, {
      generation: connection?.generation ?? this.pool.generationFor(serviceId),
      serviceId,
      maxWireVersion: connection?.description?.maxWireVersion ?? this.description.maxWireVersion,
      completedHandshake: true,
    });
  }
}
