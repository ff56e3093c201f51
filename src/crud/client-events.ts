// The events a Client publishes, and a typed EventEmitter the Client extends. The
// Client itself is the one event sink every layer emits into (EventTarget):
// `wants(name)` is a listener count, so unobserved events are never built.
import { EventEmitter } from 'node:events';
import type { CommandEventMap } from '../monitoring/command-events.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import type { TopologyEventMap } from '../sdam/topology-events.js';

/** Command monitoring, pool (CMAP), topology (SDAM) and heartbeat events. */
export interface ClientEventMap extends CommandEventMap, TopologyEventMap {}

type Listener<E> = (event: E) => void;

export class TypedEventEmitter<M extends object> extends EventEmitter implements EventTarget<M> {
  override on<K extends keyof M & string>(event: K, listener: Listener<M[K]>): this {
    return super.on(event, listener);
  }

  override once<K extends keyof M & string>(event: K, listener: Listener<M[K]>): this {
    return super.once(event, listener);
  }

  override off<K extends keyof M & string>(event: K, listener: Listener<M[K]>): this {
    return super.off(event, listener);
  }

  override addListener<K extends keyof M & string>(event: K, listener: Listener<M[K]>): this {
    return super.addListener(event, listener);
  }

  override removeListener<K extends keyof M & string>(event: K, listener: Listener<M[K]>): this {
    return super.removeListener(event, listener);
  }

  wants(name: keyof M & string): boolean {
    return this.listenerCount(name) > 0;
  }

  override emit<K extends keyof M & string>(name: K, event: M[K]): boolean {
    return super.emit(name, event);
  }
}
