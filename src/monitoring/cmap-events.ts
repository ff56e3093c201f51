// Connection Monitoring and Pooling events (CMAP spec, "Events"). Durations are
// milliseconds from a monotonic clock, hence the `durationMS` names.
import type { Document, ObjectId } from '../bson.js';

export type ConnectionClosedReason = 'stale' | 'idle' | 'error' | 'poolClosed';
export type CheckOutFailedReason = 'poolClosed' | 'timeout' | 'connectionError';

export interface PoolCreatedEvent {
  readonly name: 'connectionPoolCreated';
  readonly address: string;
  /** The non-default pool options this pool was created with. */
  readonly options: Document;
}

export interface PoolReadyEvent {
  readonly name: 'connectionPoolReady';
  readonly address: string;
}

export interface PoolClearedEvent {
  readonly name: 'connectionPoolCleared';
  readonly address: string;
  /** Set in load-balanced mode: the service whose connections were cleared. */
  readonly serviceId: ObjectId | undefined;
  readonly interruptInUseConnections: boolean;
}

export interface PoolClosedEvent {
  readonly name: 'connectionPoolClosed';
  readonly address: string;
}

export interface ConnectionCreatedEvent {
  readonly name: 'connectionCreated';
  readonly address: string;
  readonly connectionId: number;
}

export interface ConnectionReadyEvent {
  readonly name: 'connectionReady';
  readonly address: string;
  readonly connectionId: number;
  readonly durationMS: number;
}

export interface ConnectionClosedEvent {
  readonly name: 'connectionClosed';
  readonly address: string;
  readonly connectionId: number;
  readonly reason: ConnectionClosedReason;
  /** The error behind reason "error", when there is one. */
  readonly error: Error | undefined;
}

export interface ConnectionCheckOutStartedEvent {
  readonly name: 'connectionCheckOutStarted';
  readonly address: string;
}

export interface ConnectionCheckOutFailedEvent {
  readonly name: 'connectionCheckOutFailed';
  readonly address: string;
  readonly reason: CheckOutFailedReason;
  readonly durationMS: number;
  readonly error: Error | undefined;
}

export interface ConnectionCheckedOutEvent {
  readonly name: 'connectionCheckedOut';
  readonly address: string;
  readonly connectionId: number;
  readonly durationMS: number;
}

export interface ConnectionCheckedInEvent {
  readonly name: 'connectionCheckedIn';
  readonly address: string;
  readonly connectionId: number;
}

/** Event name → payload, for EventSink<CmapEventMap>. */
export interface CmapEventMap {
  connectionPoolCreated: PoolCreatedEvent;
  connectionPoolReady: PoolReadyEvent;
  connectionPoolCleared: PoolClearedEvent;
  connectionPoolClosed: PoolClosedEvent;
  connectionCreated: ConnectionCreatedEvent;
  connectionReady: ConnectionReadyEvent;
  connectionClosed: ConnectionClosedEvent;
  connectionCheckOutStarted: ConnectionCheckOutStartedEvent;
  connectionCheckOutFailed: ConnectionCheckOutFailedEvent;
  connectionCheckedOut: ConnectionCheckedOutEvent;
  connectionCheckedIn: ConnectionCheckedInEvent;
}

export type CmapEventName = keyof CmapEventMap;
export type CmapEvent = CmapEventMap[CmapEventName];

export const CMAP_EVENT_NAMES: readonly CmapEventName[] = [
  'connectionPoolCreated',
  'connectionPoolReady',
  'connectionPoolCleared',
  'connectionPoolClosed',
  'connectionCreated',
  'connectionReady',
  'connectionClosed',
  'connectionCheckOutStarted',
  'connectionCheckOutFailed',
  'connectionCheckedOut',
  'connectionCheckedIn',
];
