// One typed sink for every event family (CMAP, SDAM, command monitoring).
// Producers ask `wants(name)` before building an event, so nobody pays for
// events nobody listens to; there are no re-emit chains between layers.

/** Maps each event name to its payload type. */
export type EventMap = object;

export type EventListener<E> = (event: E) => void;

/** What a producer needs: a cheap interest check and an emit. */
export interface EventTarget<M extends EventMap> {
  wants(name: keyof M & string): boolean;
  emit<K extends keyof M & string>(name: K, event: M[K]): void;
}

export class EventSink<M extends EventMap> implements EventTarget<M> {
  private readonly listeners = new Map<string, Set<EventListener<never>>>();
  private readonly anyListeners = new Set<(name: keyof M & string, event: M[keyof M]) => void>();

  /** Subscribes to one event; returns the unsubscribe function. */
  on<K extends keyof M & string>(name: K, listener: EventListener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as EventListener<never>);
    return () => this.off(name, listener);
  }

  off<K extends keyof M & string>(name: K, listener: EventListener<M[K]>): void {
    const set = this.listeners.get(name);
    if (set === undefined) return;
    set.delete(listener as EventListener<never>);
    if (set.size === 0) this.listeners.delete(name);
  }

  /** Subscribes to every event (test runners, loggers); returns the unsubscribe function. */
  onAny(listener: <K extends keyof M & string>(name: K, event: M[K]) => void): () => void {
    const wrapped = listener as (name: keyof M & string, event: M[keyof M]) => void;
    this.anyListeners.add(wrapped);
    return () => this.anyListeners.delete(wrapped);
  }

  wants(name: keyof M & string): boolean {
    return this.anyListeners.size > 0 || this.listeners.has(name);
  }

  emit<K extends keyof M & string>(name: K, event: M[K]): void {
    const set = this.listeners.get(name);
    if (set !== undefined) {
      for (const listener of [...set]) this.deliver(() => (listener as EventListener<M[K]>)(event));
    }
    for (const listener of [...this.anyListeners]) this.deliver(() => listener(name, event));
  }

  /** Builds the event only when someone listens. */
  emitLazy<K extends keyof M & string>(name: K, build: () => M[K]): void {
    if (this.wants(name)) this.emit(name, build());
  }

  // A throwing listener must not corrupt the producer's state (a pool mid-checkout),
  // so the failure is reported as a process warning instead of propagating.
  private deliver(call: () => void): void {
    try {
      call();
    } catch (error) {
      process.emitWarning(`mongrove: an event listener threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** A target that never wants anything (the default when no sink is given). */
export function noEvents<M extends EventMap>(): EventTarget<M> {
  return { wants: () => false, emit: () => {} };
}
