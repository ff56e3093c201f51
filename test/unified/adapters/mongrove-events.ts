// Wires mongrove's command, CMAP and SDAM events into the runner's ObservedEvent shape.
import type { Document } from '../../../src/bson.js';
import type { Client, ClientEventMap } from '../../../src/index.js';
import type { EventType } from '../model.js';
import type { ObservedEvent } from '../adapter.js';

type Fields = Record<string, unknown>;
type EventName = keyof ClientEventMap & string;

/** mongrove event name → [spec event key, kind]. */
const EVENTS: ReadonlyArray<readonly [EventName, string, EventType]> = [
  ['commandStarted', 'commandStartedEvent', 'command'],
  ['commandSucceeded', 'commandSucceededEvent', 'command'],
  ['commandFailed', 'commandFailedEvent', 'command'],
  ['connectionPoolCreated', 'poolCreatedEvent', 'cmap'],
  ['connectionPoolReady', 'poolReadyEvent', 'cmap'],
  ['connectionPoolCleared', 'poolClearedEvent', 'cmap'],
  ['connectionPoolClosed', 'poolClosedEvent', 'cmap'],
  ['connectionCreated', 'connectionCreatedEvent', 'cmap'],
  ['connectionReady', 'connectionReadyEvent', 'cmap'],
  ['connectionClosed', 'connectionClosedEvent', 'cmap'],
  ['connectionCheckOutStarted', 'connectionCheckOutStartedEvent', 'cmap'],
  ['connectionCheckOutFailed', 'connectionCheckOutFailedEvent', 'cmap'],
  ['connectionCheckedOut', 'connectionCheckedOutEvent', 'cmap'],
  ['connectionCheckedIn', 'connectionCheckedInEvent', 'cmap'],
  ['serverDescriptionChanged', 'serverDescriptionChangedEvent', 'sdam'],
  ['serverHeartbeatStarted', 'serverHeartbeatStartedEvent', 'sdam'],
  ['serverHeartbeatSucceeded', 'serverHeartbeatSucceededEvent', 'sdam'],
  ['serverHeartbeatFailed', 'serverHeartbeatFailedEvent', 'sdam'],
  ['topologyDescriptionChanged', 'topologyDescriptionChangedEvent', 'sdam'],
  ['topologyOpening', 'topologyOpeningEvent', 'sdam'],
  ['topologyClosed', 'topologyClosedEvent', 'sdam'],
  ['serverOpening', 'serverOpeningEvent', 'sdam'],
  ['serverClosed', 'serverClosedEvent', 'sdam'],
];

function description(d: unknown): Document | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  return { type: (d as { type?: unknown }).type };
}

function observed(kind: EventType, name: string, e: Fields): ObservedEvent {
  const out: ObservedEvent = { kind, name, observedAt: Date.now() / 1000 };
  switch (kind) {
    case 'command': {
      out.commandName = String(e.commandName);
      if (typeof e.databaseName === 'string') out.databaseName = e.databaseName;
      if (typeof e.requestId === 'number') out.requestId = e.requestId;
      out.command = e.command as Document | undefined;
      out.reply = e.reply as Document | undefined;
      out.failure = e.failure;
      out.hasServiceId = e.serviceId !== undefined && e.serviceId !== null;
      out.hasServerConnectionId = typeof e.serverConnectionId === 'number' && e.serverConnectionId > 0;
      break;
    }
    case 'cmap':
      out.hasServiceId = e.serviceId !== undefined && e.serviceId !== null;
      if (typeof e.reason === 'string') out.reason = e.reason;
      if (typeof e.interruptInUseConnections === 'boolean') out.interruptInUseConnections = e.interruptInUseConnections;
      break;
    case 'sdam':
      if (typeof e.awaited === 'boolean') out.awaited = e.awaited;
      out.previousDescription = description(e.previousDescription);
      out.newDescription = description(e.newDescription);
      break;
  }
  return out;
}

/** Listens to every event the client publishes (mongrove builds events only for names someone listens to). */
export function wireEvents(client: Client, onEvent: (e: ObservedEvent) => void): void {
  for (const [driverName, name, kind] of EVENTS) {
    client.on(driverName, (raw: unknown) => onEvent(observed(kind, name, raw as Fields)));
  }
}
