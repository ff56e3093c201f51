// SDAM log messages (server-discovery-and-monitoring-logging-and-monitoring spec,
// "Log Messages"): component "topology", severity "debug". Descriptions are logged as
// truncated relaxed extended JSON of whatever description object the caller holds.
import type { Document } from '../../../bson.js';
import { stringifyDocument, stringifyValue } from '../stringify.js';
import { loggedFailure } from './failure.js';
import { addressFields, withoutUndefined, type LogMessage, type LoggedFailure, type ServerAddressFields } from './log-message.js';

interface TopologyInput {
  readonly topologyId: number;
}

interface ServerInput extends TopologyInput {
  readonly address: string;
}

export interface HeartbeatLogInput extends ServerInput {
  readonly awaited: boolean;
  /** The monitoring connection's driver-generated (CMAP) id; never the address. */
  readonly driverConnectionId?: number | undefined;
  /** The server's id for the monitoring connection, once a hello reply told it. */
  readonly serverConnectionId?: number | undefined;
}

type TopologyMessage<Text extends string> = LogMessage & { readonly message: Text; readonly topologyId: number };
type ServerMessage<Text extends string> = TopologyMessage<Text> & ServerAddressFields;
interface HeartbeatCommonFields extends ServerAddressFields {
  readonly topologyId: number;
  readonly awaited: boolean;
  readonly driverConnectionId?: number;
  readonly serverConnectionId?: number;
}

type HeartbeatMessage<Text extends string> = LogMessage & HeartbeatCommonFields & { readonly message: Text };

export type TopologyOpeningLogMessage = TopologyMessage<'Starting topology monitoring'>;
export type TopologyClosedLogMessage = TopologyMessage<'Stopped topology monitoring'>;
export type ServerOpeningLogMessage = ServerMessage<'Starting server monitoring'>;
export type ServerClosedLogMessage = ServerMessage<'Stopped server monitoring'>;
export type TopologyDescriptionChangedLogMessage = TopologyMessage<'Topology description changed'> & {
  readonly previousDescription: string;
  readonly newDescription: string;
};
export type HeartbeatStartedLogMessage = HeartbeatMessage<'Server heartbeat started'>;
export type HeartbeatSucceededLogMessage = HeartbeatMessage<'Server heartbeat succeeded'> & {
  readonly durationMS: number;
  readonly reply: string;
};
export type HeartbeatFailedLogMessage = HeartbeatMessage<'Server heartbeat failed'> & {
  readonly durationMS: number;
  readonly failure: LoggedFailure;
};

export function topologyOpeningMessage(input: TopologyInput): TopologyOpeningLogMessage {
  return { message: 'Starting topology monitoring', topologyId: input.topologyId };
}

export function topologyClosedMessage(input: TopologyInput): TopologyClosedLogMessage {
  return { message: 'Stopped topology monitoring', topologyId: input.topologyId };
}

export function serverOpeningMessage(input: ServerInput): ServerOpeningLogMessage {
  return { message: 'Starting server monitoring', topologyId: input.topologyId, ...addressFields(input.address) };
}

export function serverClosedMessage(input: ServerInput): ServerClosedLogMessage {
  return { message: 'Stopped server monitoring', topologyId: input.topologyId, ...addressFields(input.address) };
}

export function topologyDescriptionChangedMessage(
  input: TopologyInput & { readonly previousDescription: unknown; readonly newDescription: unknown },
  maxDocumentLength: number,
): TopologyDescriptionChangedLogMessage {
  return {
    message: 'Topology description changed',
    topologyId: input.topologyId,
    previousDescription: stringifyValue(input.previousDescription, maxDocumentLength),
    newDescription: stringifyValue(input.newDescription, maxDocumentLength),
  };
}

export function heartbeatStartedMessage(input: HeartbeatLogInput): HeartbeatStartedLogMessage {
  return { message: 'Server heartbeat started' as const, ...heartbeatFields(input) };
}

export function heartbeatSucceededMessage(
  input: HeartbeatLogInput & { readonly durationMS: number; readonly reply: Document },
  maxDocumentLength: number,
): HeartbeatSucceededLogMessage {
  return {
    message: 'Server heartbeat succeeded' as const,
    ...heartbeatFields(input),
    durationMS: input.durationMS,
    reply: stringifyDocument(input.reply, maxDocumentLength),
  };
}

export function heartbeatFailedMessage(
  input: HeartbeatLogInput & { readonly durationMS: number; readonly failure: unknown },
  maxDocumentLength: number,
): HeartbeatFailedLogMessage {
  return {
    message: 'Server heartbeat failed' as const,
    ...heartbeatFields(input),
    durationMS: input.durationMS,
    failure: loggedFailure(input.failure, maxDocumentLength),
  };
}

function heartbeatFields(input: HeartbeatLogInput): HeartbeatCommonFields {
  return withoutUndefined({
    topologyId: input.topologyId,
    ...addressFields(input.address),
    awaited: input.awaited,
    driverConnectionId: input.driverConnectionId,
    serverConnectionId: input.serverConnectionId,
  });
}
