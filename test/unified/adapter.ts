// The contract between the unified runner and a driver under test. The runner owns
// the format (entities, matching, events, outcome); an adapter owns the driver's
// API: it creates objects, runs named operations on them and describes errors and
// events in one driver-neutral shape. See adapters/README.md.
import type { Document } from '../../src/bson.js';
import type { CollectionOrDatabaseOptions, EventType, ServerApiSpec } from './model.js';

/** One observed event, normalised. Fields not meaningful for an event are left unset. */
export interface ObservedEvent {
  kind: EventType;
  /** The spec's event key, e.g. "commandStartedEvent", "poolClearedEvent", "serverDescriptionChangedEvent". */
  name: string;
  commandName?: string;
  databaseName?: string;
  requestId?: number;
  command?: Document;
  reply?: Document;
  /** The command failure (commandFailedEvent). */
  failure?: unknown;
  hasServiceId?: boolean;
  hasServerConnectionId?: boolean;
  /** connectionClosedEvent / connectionCheckOutFailedEvent. */
  reason?: string;
  /** poolClearedEvent. */
  interruptInUseConnections?: boolean;
  /** Heartbeat events. */
  awaited?: boolean;
  /** serverDescriptionChangedEvent / topologyDescriptionChangedEvent: at least { type }. */
  previousDescription?: Document;
  newDescription?: Document;
  /** Seconds since the epoch (storeEventsAsEntities). */
  observedAt: number;
}

/** One structured log message (command-logging-and-monitoring/logging). */
export interface ObservedLogMessage {
  level: string;
  component: string;
  data: Document;
}

export interface ClientSpec {
  /** The full connection string, uriOptions already applied. */
  uri: string;
  serverApi?: ServerApiSpec;
  /**
   * Set for tests that use fail points: the shortest interval between server checks the driver
   * should allow (the spec lets runners speed up SDAM recovery). Adapters apply it if they can.
   */
  minHeartbeatFrequencyMS?: number;
  /** Every command, CMAP and SDAM event the client publishes (the runner filters what the test observes). */
  onEvent: (event: ObservedEvent) => void;
  /** Components → minimum severity to collect; when unset, no logging. */
  observeLogMessages?: Record<string, string>;
  onLog?: (message: ObservedLogMessage) => void;
}

export type TransactionState = 'none' | 'starting' | 'in_progress' | 'committed' | 'aborted';

/**
 * Operation arguments as the test file wrote them (Extended JSON already decoded), except:
 * `session` is a SessionHandle; withTransaction's `callback` is a function; a `source`
 * written as { $$hexBytes } is a Uint8Array. Results must be plain documents/values
 * (model objects converted; iterables fully iterated into arrays), or a CursorHandle for
 * createFindCursor, createCommandCursor and createChangeStream.
 */
export type OperationArgs = Record<string, unknown>;

interface Runnable {
  /** Runs the named operation; throws UnsupportedOperationError for names it does not know. */
  run(name: string, args: OperationArgs): Promise<unknown>;
}

/** A client's current TopologyDescription, reduced to what the runner asserts on (recordTopologyDescription). */
export interface TopologyDescriptionView {
  /** SDAM TopologyType, e.g. "ReplicaSetWithPrimary". */
  type: string;
  servers: { address: string; type: string }[];
}

export interface ClientHandle extends Runnable {
  readonly kind: 'client';
  database(name: string, options?: CollectionOrDatabaseOptions): DatabaseHandle;
  startSession(options?: Document): SessionHandle;
  /** The driver's latest TopologyDescription. */
  topologyDescription(): TopologyDescriptionView;
  close(): Promise<void>;
}

export interface DatabaseHandle extends Runnable {
  readonly kind: 'database';
  readonly name: string;
  collection(name: string, options?: CollectionOrDatabaseOptions): CollectionHandle;
  bucket(options?: Document): BucketHandle;
}

export interface CollectionHandle extends Runnable {
  readonly kind: 'collection';
}

export interface BucketHandle extends Runnable {
  readonly kind: 'bucket';
}

export interface SessionHandle extends Runnable {
  readonly kind: 'session';
  /** The logical session id document ({ id: Binary }). */
  readonly lsid: Document;
  transactionState(): TransactionState;
  /** Pinned to a mongos (or to a connection in load-balanced mode). */
  isPinned(): boolean;
  /** Address ("host:port") of the mongos this session is pinned to, if any. */
  pinnedAddress(): string | undefined;
  isDirty(): boolean;
  /** Gossips a $clusterTime document into the session (the runner's sharded-cluster workaround). */
  advanceClusterTime(clusterTime: Document): void;
  end(): Promise<void>;
}

/** A find cursor, command cursor or change stream. run() supports iterateUntilDocumentOrError, iterateOnce, close. */
export interface CursorHandle extends Runnable {
  readonly kind: 'cursor';
  readonly cursorType: 'findCursor' | 'commandCursor' | 'changeStream';
  close(): Promise<void>;
}

/** A driver error described in the terms expectedError asserts on. */
export interface DescribedError {
  message: string;
  /** Raised by the driver itself (validation, network), not derived from a server response. */
  isClientError: boolean;
  /** A timeoutMS (CSOT) expiry. */
  isTimeoutError: boolean;
  code?: number;
  codeName?: string;
  errorLabels: string[];
  /** The server's raw error reply, when there was one. */
  errorResponse?: Document;
  /** Client bulk write: index → write error document. */
  writeErrors?: Record<string, Document>;
  writeConcernErrors?: Document[];
  /** Messages and code names of aggregated errors (bulk writes), also searched by errorContains / errorCodeName. */
  nestedMessages: string[];
  nestedCodeNames: string[];
  /** Codes of aggregated errors, for drivers that expose code but not codeName on them. */
  nestedCodes: number[];
  /** A result carried by the error (bulk write's writeResult / partialResult), already a document. */
  partialResult?: unknown;
}

export interface DriverAdapter {
  /** Suffix used in suite names, e.g. "official" → "crud@official". */
  readonly name: string;
  createClient(spec: ClientSpec): Promise<ClientHandle>;
  describeError(error: unknown): DescribedError;
}

export class UnsupportedOperationError extends Error {
  constructor(entityKind: string, operation: string) {
    super(`unsupported operation ${operation} on ${entityKind}`);
  }
  override get name(): string {
    return 'UnsupportedOperationError';
  }
}

/** The test file gave arguments the operation cannot take (missing required ones, invalid enum values): a runner error. */
export class InvalidArgumentsError extends Error {
  constructor(operation: string, problem: string) {
    super(`${operation}: ${problem}`);
  }
  override get name(): string {
    return 'InvalidArgumentsError';
  }
}

export function isHandle(value: unknown): value is { kind: string } {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' && typeof (value as { run?: unknown }).run === 'function';
}
