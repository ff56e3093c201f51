// Server heartbeat events (SDAM logging-and-monitoring spec), published by a
// server's monitor around each hello check. `awaited` marks streaming (awaitable)
// hellos, whose durations include the server's wait and so are not round-trip times.
// The numeric ids are what the SDAM log messages report (they must not be the address).
import type { Document } from '../../bson.js';

export interface ServerHeartbeatStartedEvent {
  readonly name: 'serverHeartbeatStarted';
  readonly topologyId: number;
  readonly address: string;
  /** The monitor's connection, named by its server address (the spec allows "host:port"). */
  readonly connectionId: string;
  readonly awaited: boolean;
  /** The monitoring connection's driver-generated id (also while it is being opened). */
  readonly driverConnectionId: number | undefined;
  /** The server's id for the monitoring connection, once its handshake told it. */
  readonly serverConnectionId: number | undefined;
}

export interface ServerHeartbeatSucceededEvent {
  readonly name: 'serverHeartbeatSucceeded';
  readonly topologyId: number;
  readonly address: string;
  readonly connectionId: string;
  readonly awaited: boolean;
  readonly driverConnectionId: number | undefined;
  readonly serverConnectionId: number | undefined;
  readonly durationMS: number;
  readonly reply: Document;
}

export interface ServerHeartbeatFailedEvent {
  readonly name: 'serverHeartbeatFailed';
  readonly topologyId: number;
  readonly address: string;
  readonly connectionId: string;
  readonly awaited: boolean;
  readonly driverConnectionId: number | undefined;
  readonly serverConnectionId: number | undefined;
  readonly durationMS: number;
  readonly failure: Error;
}

export interface HeartbeatEventMap {
  serverHeartbeatStarted: ServerHeartbeatStartedEvent;
  serverHeartbeatSucceeded: ServerHeartbeatSucceededEvent;
  serverHeartbeatFailed: ServerHeartbeatFailedEvent;
}
