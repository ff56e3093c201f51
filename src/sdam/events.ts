// SDAM monitoring events (server-discovery-and-monitoring-logging-and-monitoring spec),
// computed purely from the difference between two topology descriptions.
import { serverDescriptionEquals, type ServerDescription } from './server-description.js';
import { topologyDescriptionEquals, type TopologyDescription } from './topology-description.js';

export interface TopologyOpeningEvent {
  readonly name: 'topologyOpening';
  readonly topologyId: number;
}

export interface TopologyClosedEvent {
  readonly name: 'topologyClosed';
  readonly topologyId: number;
}

export interface TopologyDescriptionChangedEvent {
  readonly name: 'topologyDescriptionChanged';
  readonly topologyId: number;
  readonly previousDescription: TopologyDescription;
  readonly newDescription: TopologyDescription;
}

export interface ServerOpeningEvent {
  readonly name: 'serverOpening';
  readonly topologyId: number;
  readonly address: string;
}

export interface ServerClosedEvent {
  readonly name: 'serverClosed';
  readonly topologyId: number;
  readonly address: string;
}

export interface ServerDescriptionChangedEvent {
  readonly name: 'serverDescriptionChanged';
  readonly topologyId: number;
  readonly address: string;
  readonly previousDescription: ServerDescription;
  readonly newDescription: ServerDescription;
}

export type SdamEvent =
  | TopologyOpeningEvent
  | TopologyClosedEvent
  | TopologyDescriptionChangedEvent
  | ServerOpeningEvent
  | ServerClosedEvent
  | ServerDescriptionChangedEvent;

/** The topology this description would be compared against before anything is known. */
function emptyLike(description: TopologyDescription): TopologyDescription {
  return Object.freeze({ ...description, type: 'Unknown', setName: null, servers: new Map(), maxElectionId: null, maxSetVersion: null });
}

/** Events published when a topology starts: opening, the empty→initial change, one opening per seed. */
export function openingEvents(topologyId: number, initial: TopologyDescription): SdamEvent[] {
  return [
    { name: 'topologyOpening', topologyId },
    { name: 'topologyDescriptionChanged', topologyId, previousDescription: emptyLike(initial), newDescription: initial },
    ...[...initial.servers.keys()].map((address): ServerOpeningEvent => ({ name: 'serverOpening', topologyId, address })),
  ];
}

/** Events published when a topology closes: one closing per server, the change to empty, then closed. */
export function closingEvents(topologyId: number, last: TopologyDescription): SdamEvent[] {
  return [
    ...[...last.servers.keys()].map((address): ServerClosedEvent => ({ name: 'serverClosed', topologyId, address })),
    { name: 'topologyDescriptionChanged', topologyId, previousDescription: last, newDescription: emptyLike(last) },
    { name: 'topologyClosed', topologyId },
  ];
}

/**
 * Events for one update from `previous` to `next`. `changedAddress` is the server whose check or
 * error caused the update: only its description change is reported (other servers changed as a
 * consequence show up in the topology change), as the spec's monitoring tests expect. Without it,
 * every changed server is reported. Equal descriptions publish nothing.
 */
export function diffEvents(topologyId: number, previous: TopologyDescription, next: TopologyDescription, changedAddress?: string): SdamEvent[] {
  const events: SdamEvent[] = [];
  for (const [address, before] of previous.servers) {
    if (changedAddress !== undefined && address !== changedAddress) continue;
    const after = next.servers.get(address);
    if (after !== undefined && !serverDescriptionEquals(before, after)) {
      events.push({ name: 'serverDescriptionChanged', topologyId, address, previousDescription: before, newDescription: after });
    }
  }
  for (const address of next.servers.keys()) {
    if (!previous.servers.has(address)) events.push({ name: 'serverOpening', topologyId, address });
  }
  for (const address of previous.servers.keys()) {
    if (!next.servers.has(address)) events.push({ name: 'serverClosed', topologyId, address });
  }
  if (!topologyDescriptionEquals(previous, next)) {
    events.push({ name: 'topologyDescriptionChanged', topologyId, previousDescription: previous, newDescription: next });
  }
  return events;
}
