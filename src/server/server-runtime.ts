// Everything one running server owns, shared by the wire server, the
// dispatcher and the admin commands. Data handlers see only ServerContext.
import type { ObjectId } from '../bson.js';
import type { ServerSecurity } from './auth/security.js';
import type { CommandRegistry } from './command-registry.js';
import type { ConnectionDirectory } from './connection-state.js';
import type { MemoryCursorStore } from './cursors/cursor-store.js';
import type { FailPointRegistry } from './failpoints/failpoint-registry.js';
import type { LocalSessionCache } from './local-sessions.js';
import type { ReplicaSetState } from './replication/replica-set.js';
import type { TopologyVersion } from './topology-version.js';
import type { CommandHandler, ServerContext } from './types.js';

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * The simulated load balancers in front of this server: one fronting a single service (the
 * main port) and one fronting two (a second port, routing connections round-robin). All
 * services share this server's state, as mongoses share their cluster.
 */
export interface LoadBalancerState {
  /** The services' ids; the first is the one the single-service balancer fronts. */
  readonly serviceIds: readonly [ObjectId, ObjectId];
}

/**
 * Makes a node a mongos router of the simulated sharded cluster (MemoryServer.start({ sharded })):
 * hello answers as a mongos, and the router wraps the node's commands with what a mongos adds
 * to transactions (recoveryTokens, recovering another router's transaction).
 */
export interface RouterState {
  /** The router's name within the cluster ("mongos0", "mongos1"). */
  readonly name: string;
  /** The handler as this mongos runs it (every command of the router's node goes through here). */
  route(handler: CommandHandler): CommandHandler;
}

export interface ServerRuntime extends ServerContext {
  readonly cursors: MemoryCursorStore;
  readonly localSessions: LocalSessionCache;
  readonly registry: CommandRegistry;
  readonly failpoints: FailPointRegistry;
  readonly topology: TopologyVersion;
  readonly connections: ConnectionDirectory;
  /** Users, SASL conversations and (when started with auth) access control. */
  readonly security: ServerSecurity;
  readonly startedAt: Date;
  /** Present in one-member replica-set mode (MemoryServer.start({ replSet })). */
  readonly replication?: ReplicaSetState;
  /** Present when started behind (simulated) load balancers: hellos with loadBalanced: true get a serviceId. */
  readonly loadBalancer?: LoadBalancerState;
  /** Present on each mongos of a sharded cluster: hello answers `msg: 'isdbgrid'`. */
  readonly router?: RouterState;
  /** The listening address ("host:port" in replies), known once listening. */
  address(): ServerAddress;
}

export const SERVER_VERSION = '8.0.0';
export const SERVER_VERSION_ARRAY = [8, 0, 0, 0];
export const MAX_WIRE_VERSION = 25;
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const MAX_WRITE_BATCH_SIZE = 100_000;
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;

export function hostString(address: ServerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
