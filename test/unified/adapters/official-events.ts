// Wires the official driver's monitoring events into the runner's ObservedEvent shape.
import type { MongoClient } from 'mongodb';
import type { Document } from '../../../src/bson.js';
import type { ObservedEvent } from '../adapter.js';
import { bsonTag } from '../bson-values.js';

const CMAP: Record<string, string> = {
  connectionPoolCreated: 'poolCreatedEvent',
  connectionPoolReady: 'poolReadyEvent',
  connectionPoolCleared: 'poolClearedEvent',
  connectionPoolClosed: 'poolClosedEvent',
  connectionCreated: 'connectionCreatedEvent',
  connectionReady: 'connectionReadyEvent',
  connectionClosed: 'connectionClosedEvent',
  connectionCheckOutStarted: 'connectionCheckOutStartedEvent',
  connectionCheckOutFailed: 'connectionCheckOutFailedEvent',
  connectionCheckedOut: 'connectionCheckedOutEvent',
  connectionCheckedIn: 'connectionCheckedInEvent',
};

const SDAM: Record<string, string> = {
  serverDescriptionChanged: 'serverDescriptionChangedEvent',
  serverHeartbeatStarted: 'serverHeartbeatStartedEvent',
  serverHeartbeatSucceeded: 'serverHeartbeatSucceededEvent',
  serverHeartbeatFailed: 'serverHeartbeatFailedEvent',
  topologyDescriptionChanged: 'topologyDescriptionChangedEvent',
  topologyOpening: 'topologyOpeningEvent',
  topologyClosed: 'topologyClosedEvent',
};

const COMMAND: Record<string, string> = {
  commandStarted: 'commandStartedEvent',
  commandSucceeded: 'commandSucceededEvent',
  commandFailed: 'commandFailedEvent',
};

type Fields = Record<string, unknown>;

function hasServiceId(e: Fields): boolean {
  const id = e.serviceId;
  if (id === undefined || id === null) return false;
  if (bsonTag(id) === 'ObjectId') return !/^0+$/u.test((id as { toHexString(): string }).toHexString());
  return true;
}

function hasServerConnectionId(e: Fields): boolean {
  const id = e.serverConnectionId;
  return (typeof id === 'number' || typeof id === 'bigint') && id > 0;
}

function description(d: unknown): Document | undefined {
  if (typeof d !== 'object' || d === null) return undefined;
  return { type: (d as { type?: unknown }).type };
}

export function wireEvents(client: MongoClient, onEvent: (e: ObservedEvent) => void): void {
  const observedAt = (): number => Date.now() / 1000;
  for (const [driverName, name] of Object.entries(COMMAND)) {
    client.on(driverName as 'commandStarted', (raw: unknown) => {
      const e = raw as Fields;
      onEvent({
        kind: 'command',
        name,
        commandName: String(e.commandName),
        databaseName: typeof e.databaseName === 'string' ? e.databaseName : undefined,
        requestId: typeof e.requestId === 'number' ? e.requestId : undefined,
        command: e.command as Document | undefined,
        reply: e.reply as Document | undefined,
        failure: e.failure,
        hasServiceId: hasServiceId(e),
        hasServerConnectionId: hasServerConnectionId(e),
        observedAt: observedAt(),
      });
    });
  }
  for (const [driverName, name] of Object.entries(CMAP)) {
    client.on(driverName as 'connectionCreated', (raw: unknown) => {
      const e = raw as Fields;
      onEvent({
        kind: 'cmap',
        name,
        hasServiceId: hasServiceId(e),
        reason: typeof e.reason === 'string' ? e.reason : undefined,
        interruptInUseConnections: typeof e.interruptInUseConnections === 'boolean' ? e.interruptInUseConnections : undefined,
        observedAt: observedAt(),
      });
    });
  }
  for (const [driverName, name] of Object.entries(SDAM)) {
    client.on(driverName as 'topologyOpening', (raw: unknown) => {
      const e = raw as Fields;
      onEvent({
        kind: 'sdam',
        name,
        awaited: typeof e.awaited === 'boolean' ? e.awaited : undefined,
        previousDescription: description(e.previousDescription),
        newDescription: description(e.newDescription),
        observedAt: observedAt(),
      });
    });
  }
}
