// The small structural interfaces the CRUD layer runs against. The Topology (or a
// direct single-server target) implements OperationTarget; the CRUD layer never
// sees monitors, descriptions or pools, only "give me a server, give me a connection".
import type { Document, ObjectId } from '../bson.js';
import type { DocumentSequence, SerializedDocumentSequence } from '../wire/types.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import type { DriverInfo } from '../connection/uri/types.js';
import type { ServerType, TopologyType } from '../sdam/types.js';
import type { ReadPreferenceLike } from './concerns.js';

/** The operation's deadline / cancellation; flows through selection, checkout and I/O. */
export type TimeoutContextLike = TimeoutContext;

/** A command reply whose bytes are kept; the body is deserialized on demand, once. */
export interface ReplyLike {
  body(): Document;
}

/** What the handshake learned about the connection's server. */
export interface ConnectionLimits {
  readonly maxBsonObjectSize: number;
  readonly maxMessageSizeBytes: number;
  readonly maxWriteBatchSize: number;
  readonly maxWireVersion: number;
  /** The server's id for this connection (hello's connectionId). */
  readonly serverConnectionId?: number;
}

export interface SendOptions {
  readonly sequences?: ReadonlyArray<DocumentSequence | SerializedDocumentSequence>;
  readonly timeout?: TimeoutContext;
  /** Always true from the executor: it reads `ok` itself (monitoring, session gossip, errors). */
  readonly noThrow?: boolean;
  /** The OP_MSG requestId to use, so the started event publishes the id on the wire. */
  readonly requestId?: number;
}

/** Structurally satisfied by src/connection/connection.ts's Connection. */
export interface ConnectionHandle {
  readonly id: number | string;
  readonly serviceId?: ObjectId;
  readonly address: string;
  /** Set by the handshake; always present on a checked-out connection. */
  readonly description: ConnectionLimits | undefined;
  /** Sends one OP_MSG to `db` (the body already holds $db) and resolves to its reply. */
  command(db: string, body: Document, options: SendOptions): Promise<ReplyLike>;
  /** Sends one OP_MSG flagged moreToCome (an unacknowledged write): resolves once written, no reply comes. */
  sendUnacknowledged(db: string, body: Document, options: SendOptions): Promise<void>;
}

export type ServerTypeName = ServerType;
export type TopologyTypeName = TopologyType;

export interface ServerHandle {
  readonly address: string;
  readonly description: {
    readonly type: ServerTypeName;
    readonly maxWireVersion: number;
    readonly logicalSessionTimeoutMinutes?: number | null;
    /** The minimum RTT the monitor measured (CSOT derives maxTimeMS from it); null when not yet known. */
    readonly minRoundTripTime?: number | null;
  };
  checkOut(ctx: TimeoutContextLike): Promise<ConnectionHandle>;
  checkIn(connection: ConnectionHandle): void;
  /** Notes that a checked-out connection stays out for a cursor or a transaction (load-balanced mode). */
  markPinned?(connection: ConnectionHandle, purpose: 'cursor' | 'transaction'): void;
  /** Lets SDAM/CMAP react to an operation's error (mark unknown, clear the pool). */
  handleError?(error: unknown, connection?: ConnectionHandle): void;
}

export interface SelectionCriteria {
  readonly readPreference: ReadPreferenceLike;
  /** The operation's name, for selection-failure messages and logs. */
  readonly operationName: string;
  /** The operation's id (the same as its command events'), for selection log messages. */
  readonly operationId?: number;
  /** Servers that failed a previous attempt (retry on another mongos). */
  readonly deprioritized?: readonly ServerHandle[];
  /** Only a server that can run writes (primary, mongos, standalone, load balancer). */
  readonly forWrite?: boolean;
}

/** What the CRUD layer needs from a topology. */
export interface OperationTarget {
  readonly closed: boolean;
  readonly topologyType: TopologyTypeName;
  /** The TopologyDescription's logicalSessionTimeoutMinutes (null: no session support), when known. */
  readonly logicalSessionTimeoutMinutes?: number | null;
  connect(ctx: TimeoutContextLike): Promise<void>;
  selectServer(criteria: SelectionCriteria, ctx: TimeoutContextLike): Promise<ServerHandle>;
  close(): Promise<void>;
  /** Handshake metadata for connections made from now on (targets without a handshake of their own omit it). */
  appendMetadata?(info: DriverInfo): void;
}
