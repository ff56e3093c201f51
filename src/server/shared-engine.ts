// What the nodes of one deployment (the members of a replica set, the mongoses of a sharded
// cluster) share: one data engine, one logical session cache, and the knowledge of each other.
// Per-node state (cursors, failpoints, connections) stays on each node, but sessions are
// cluster-wide, so ending or killing a session must reach every node that holds its cursors.
import { LocalSessionCache } from './local-sessions.js';
import type { ServerRuntime } from './server-runtime.js';
import { Storage } from './storage/storage.js';

export class SharedEngine {
  readonly storage = new Storage();
  readonly localSessions = new LocalSessionCache();
  private readonly nodes = new Set<ServerRuntime>();

  /** Adds a node running over this engine. */
  join(runtime: ServerRuntime): void {
    this.nodes.add(runtime);
    enginesByNode.set(runtime, this);
  }

  /** Every node over this engine, in the order they joined. */
  runtimes(): ServerRuntime[] {
    return [...this.nodes];
  }
}

const enginesByNode = new WeakMap<ServerRuntime, SharedEngine>();

/** The nodes sharing `runtime`'s engine, itself included (just itself when it joined none). */
export function nodesSharingEngine(runtime: ServerRuntime): ServerRuntime[] {
  return enginesByNode.get(runtime)?.runtimes() ?? [runtime];
}
