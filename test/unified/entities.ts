// The entity map of one test: unique names, typed lookups, and cleanup in a safe order.
import type { Document } from '../../src/bson.js';
import type {
  BucketHandle,
  ClientHandle,
  CollectionHandle,
  CursorHandle,
  DatabaseHandle,
  ObservedEvent,
  ObservedLogMessage,
  SessionHandle,
} from './adapter.js';
import type { ClientEntitySpec } from './model.js';

export interface ClientEntity {
  kind: 'client';
  handle: ClientHandle;
  spec: ClientEntitySpec;
  /** Events the test observes (observeEvents, minus ignored and sensitive commands), in order. */
  events: ObservedEvent[];
  logs: ObservedLogMessage[];
  /** Connections checked out now, counted from CMAP events whether observed or not. */
  checkedOut: number;
  /** connectionReadyEvents seen (awaitMinPoolSizeMS). */
  connectionsReady: number;
  /** Event capture is switched off once the test's operations are done. */
  listening: boolean;
  closed: boolean;
}

export interface ThreadEntity {
  kind: 'thread';
  /** The chain of operations scheduled on this thread so far. */
  tail: Promise<void>;
  error?: unknown;
}

export type Entity =
  | ClientEntity
  | ThreadEntity
  | { kind: 'database'; handle: DatabaseHandle }
  | { kind: 'collection'; handle: CollectionHandle }
  | { kind: 'session'; handle: SessionHandle }
  | { kind: 'bucket'; handle: BucketHandle }
  | { kind: 'cursor'; handle: CursorHandle }
  /** storeEventsAsEntities: a list that keeps growing while the client runs. */
  | { kind: 'events'; events: Document[] }
  /** A saved operation result (BSON value or document). */
  | { kind: 'value'; value: unknown };

type EntityOf<K extends Entity['kind']> = Extract<Entity, { kind: K }>;

export class EntityMap {
  private readonly map = new Map<string, Entity>();

  set(name: string, entity: Entity): void {
    if (this.map.has(name)) throw new Error(`entity "${name}" is already defined`);
    this.map.set(name, entity);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  get(name: string): Entity {
    const e = this.map.get(name);
    if (!e) throw new Error(`entity "${name}" is not defined`);
    return e;
  }

  of<K extends Entity['kind']>(name: string, kind: K): EntityOf<K> {
    const e = this.get(name);
    if (e.kind !== kind) throw new Error(`entity "${name}" is a ${e.kind}, not a ${kind}`);
    return e as EntityOf<K>;
  }

  client(name: string): ClientEntity {
    return this.of(name, 'client');
  }

  session(name: string): SessionHandle {
    return this.of(name, 'session').handle;
  }

  /** The value $$matchesEntity compares against. */
  valueOf(name: string): unknown {
    const e = this.get(name);
    if (e.kind === 'value') return e.value;
    if (e.kind === 'events') return e.events;
    throw new Error(`entity "${name}" is a ${e.kind}, not a BSON value`);
  }

  entries(): [string, Entity][] {
    return [...this.map.entries()];
  }

  /** Closes cursors, ends sessions, then closes clients; errors are collected, never thrown halfway. */
  async closeAll(): Promise<unknown[]> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        errors.push(e);
      }
    };
    const all = [...this.map.values()];
    for (const e of all) if (e.kind === 'cursor') await attempt(() => e.handle.close());
    for (const e of all) if (e.kind === 'session') await attempt(() => e.handle.end());
    for (const e of all) if (e.kind === 'thread') await attempt(() => e.tail);
    for (const e of all) {
      if (e.kind === 'client' && !e.closed) {
        e.closed = true;
        await attempt(() => e.handle.close());
      }
    }
    this.map.clear();
    return errors;
  }
}
