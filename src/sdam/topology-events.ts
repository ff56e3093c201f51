// The event map a Topology publishes into (SDAM + heartbeat + the pools' CMAP
// events), and the one place SDAM events are emitted. Event objects are built
// only when someone listens.
import type { CmapEventMap } from '../monitoring/cmap-events.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import {
  closingEvents,
  diffEvents,
  openingEvents,
  type SdamEvent,
  type ServerClosedEvent,
  type ServerDescriptionChangedEvent,
  type ServerOpeningEvent,
  type TopologyClosedEvent,
  type TopologyDescriptionChangedEvent,
  type TopologyOpeningEvent,
} from './events.js';
import type { HeartbeatEventMap } from './monitor/heartbeat-events.js';
import type { TopologyDescription } from './topology-description.js';

export interface SdamEventMap extends HeartbeatEventMap {
  topologyOpening: TopologyOpeningEvent;
  topologyClosed: TopologyClosedEvent;
  topologyDescriptionChanged: TopologyDescriptionChangedEvent;
  serverOpening: ServerOpeningEvent;
  serverClosed: ServerClosedEvent;
  serverDescriptionChanged: ServerDescriptionChangedEvent;
}

/** Everything a Topology (its monitors and its pools included) may publish. */
export interface TopologyEventMap extends SdamEventMap, CmapEventMap {}

export type SdamEventName = keyof SdamEventMap;

const DESCRIPTION_EVENTS = ['topologyOpening', 'topologyClosed', 'topologyDescriptionChanged', 'serverOpening', 'serverClosed', 'serverDescriptionChanged'] as const;

/** Publishes SDAM events for one topology, computing them only when someone listens. */
export class SdamPublisher {
  constructor(
    readonly topologyId: number,
    private readonly target: EventTarget<TopologyEventMap> | undefined,
  ) {}

  private get listening(): boolean {
    const target = this.target;
    return target !== undefined && DESCRIPTION_EVENTS.some((name) => target.wants(name));
  }

  opening(initial: TopologyDescription): void {
    if (this.listening) this.publish(openingEvents(this.topologyId, initial));
  }

  changed(previous: TopologyDescription, next: TopologyDescription, changedAddress?: string): void {
    if (this.listening) this.publish(diffEvents(this.topologyId, previous, next, changedAddress));
  }

  closing(last: TopologyDescription): void {
    if (this.listening) this.publish(closingEvents(this.topologyId, last));
  }

  private publish(events: readonly SdamEvent[]): void {
    const target = this.target;
    if (target === undefined) return;
    for (const event of events) {
      if (!target.wants(event.name)) continue;
      emitOne(target, event);
    }
  }
}

// One switch so each event is emitted under its own name with its own type.
function emitOne(target: EventTarget<TopologyEventMap>, event: SdamEvent): void {
  switch (event.name) {
    case 'topologyOpening':
      return target.emit('topologyOpening', event);
    case 'topologyClosed':
      return target.emit('topologyClosed', event);
    case 'topologyDescriptionChanged':
      return target.emit('topologyDescriptionChanged', event);
    case 'serverOpening':
      return target.emit('serverOpening', event);
    case 'serverClosed':
      return target.emit('serverClosed', event);
    case 'serverDescriptionChanged':
      return target.emit('serverDescriptionChanged', event);
  }
}
