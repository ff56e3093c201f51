// Server heartbeat events (SDAM logging-and-monitoring spec), published by a
// server's monitor around each hello check. `awaited` marks streaming (awaitable)
// hellos, whose durations include the server's wait and so are not round-trip times.
// The numeric ids are what the SDAM log messages report (they must not be the address).
import type { Document } from '../../bson.js';

/** The fields every heartbeat event carries. */
export interface ServerHeartbeatEventFields {
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

export interface ServerHeartbeatStartedEvent extends ServerHeartbeatEventFields {
  readonly name: 'serverHeartbeatStarted';
}

export interface ServerHeartbeatSucceededEvent extends ServerHeartbeatEventFields {
  readonly name: 'serverHeartbeatSucceeded';
  readonly durationMS: number;
  readonly reply: Document;
}

export interface ServerHeartbeatFailedEvent extends ServerHeartbeatEventFields {
  readonly name: 'serverHeartbeatFailed';
  readonly durationMS: number;
  readonly failure: Error;
}

export interface HeartbeatEventMap {
  serverHeartbeatStarted: ServerHeartbeatStartedEvent;
  serverHeartbeatSucceeded: ServerHeartbeatSucceededEvent;
  serverHeartbeatFailed: ServerHeartbeatFailedEvent;
}
