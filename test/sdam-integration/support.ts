// Shared helpers for the SDAM shell tests: an event recorder over EventSink and
// a MemoryServer per test that is always stopped.
import { afterEach } from 'vitest';
import { EventSink } from '../../src/monitoring/event-sink.js';
import type { TopologyEventMap } from '../../src/sdam/topology-events.js';
import type { Topology } from '../../src/sdam/topology.js';
import { MemoryServer } from '../../src/server/index.js';

export type RecordedEvent = { [K in keyof TopologyEventMap]: { type: K; event: TopologyEventMap[K] } }[keyof TopologyEventMap];

export class EventRecorder {
  readonly sink = new EventSink<TopologyEventMap>();
  readonly events: RecordedEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor() {
    this.sink.onAny((type, event) => {
      this.events.push({ type, event } as RecordedEvent);
      for (const wake of [...this.waiters]) wake();
    });
  }

  names(filter: (name: string) => boolean = () => true): string[] {
    return this.events.map((entry) => entry.type).filter(filter);
  }

  of<K extends keyof TopologyEventMap>(type: K): TopologyEventMap[K][] {
    return this.events.filter((entry) => entry.type === type).map((entry) => entry.event as TopologyEventMap[K]);
  }

  /** Resolves once `predicate` holds over the events so far; rejects after `timeoutMS`. */
  waitFor(predicate: (events: readonly RecordedEvent[]) => boolean, timeoutMS = 3000, what = 'events'): Promise<void> {
    if (predicate(this.events)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this.events)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; saw: ${this.names().join(', ')}`));
      }, timeoutMS);
      this.waiters.add(check);
    });
  }

  /** Index of the first event at or after `from` matching `predicate`, or -1. */
  indexOf(predicate: (entry: RecordedEvent) => boolean, from = 0): number {
    for (let i = from; i < this.events.length; i++) if (predicate(this.events[i])) return i;
    return -1;
  }
}

/** Servers and topologies opened in a test, closed after it whatever happened. */
export function useCleanup(): { server(): Promise<MemoryServer>; track<T extends Topology>(topology: T): T } {
  const servers: MemoryServer[] = [];
  const topologies: Topology[] = [];
  afterEach(async () => {
    await Promise.all(topologies.splice(0).map((topology) => topology.close()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  return {
    async server() {
      const server = await MemoryServer.start();
      servers.push(server);
      return server;
    },
    track(topology) {
      topologies.push(topology);
      return topology;
    },
  };
}

/** Fast monitoring for tests: short heartbeats and a low floor between checks. */
export const FAST = { heartbeatFrequencyMS: 150, minHeartbeatFrequencyMS: 20, connectTimeoutMS: 2000 } as const;
