// TopologyDescription: an immutable value holding the client's whole view of the
// deployment. Only updateTopology / handleApplicationError produce new ones.
import type { ObjectId } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { normalizeAddress } from './address.js';
import { serverDescriptionEquals, unknownServerDescription, type ServerDescription } from './server-description.js';
import { isDataBearing, isKnownServerType, type TopologyType } from './types.js';
import { wireCompatibilityError } from './wire-versions.js';

export const DEFAULT_HEARTBEAT_FREQUENCY_MS = 10_000;
export const DEFAULT_LOCAL_THRESHOLD_MS = 15;

export interface TopologyDescription {
  readonly type: TopologyType;
  readonly setName: string | null;
  readonly maxSetVersion: number | null;
  readonly maxElectionId: ObjectId | null;
  /** Keyed by normalized address; insertion order is discovery order. */
  readonly servers: ReadonlyMap<string, ServerDescription>;
  readonly compatible: boolean;
  readonly compatibilityError: string | null;
  readonly logicalSessionTimeoutMinutes: number | null;
  /** How many seeds the client started from: a lone Standalone seed turns Unknown into Single. */
  readonly seedCount: number;
  readonly heartbeatFrequencyMS: number;
  readonly localThresholdMS: number;
}

export interface TopologyOptions {
  seeds: readonly string[];
  /** Explicit initial type; otherwise derived from directConnection / replicaSet / loadBalanced. */
  type?: TopologyType;
  setName?: string | null;
  directConnection?: boolean;
  loadBalanced?: boolean;
  heartbeatFrequencyMS?: number;
  localThresholdMS?: number;
}

/** The initial description (spec "Initial TopologyDescription"), every seed Unknown. */
export function createTopologyDescription(options: TopologyOptions): TopologyDescription {
  const seeds = [...new Set(options.seeds.map(normalizeAddress))];
  const setName = options.setName ?? null;
  const type = options.type ?? initialTopologyType(options.directConnection ?? false, setName !== null, options.loadBalanced ?? false);
  validateInitialConfiguration(type, seeds, setName, options);
  return freezeTopology({
    type,
    setName,
    maxSetVersion: null,
    maxElectionId: null,
    servers: new Map(seeds.map((address) => [address, unknownServerDescription(address)])),
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: null,
    seedCount: seeds.length,
    heartbeatFrequencyMS: options.heartbeatFrequencyMS ?? DEFAULT_HEARTBEAT_FREQUENCY_MS,
    localThresholdMS: options.localThresholdMS ?? DEFAULT_LOCAL_THRESHOLD_MS,
  });
}

function initialTopologyType(directConnection: boolean, hasSetName: boolean, loadBalanced: boolean): TopologyType {
  if (loadBalanced) return 'LoadBalanced';
  if (directConnection) return 'Single';
  return hasSetName ? 'ReplicaSetNoPrimary' : 'Unknown';
}

function validateInitialConfiguration(type: TopologyType, seeds: readonly string[], setName: string | null, options: TopologyOptions): void {
  if (seeds.length === 0) throw new MongoInvalidArgumentError('A topology needs at least one seed address');
  if (type === 'Single' && seeds.length > 1) {
    throw new MongoInvalidArgumentError(`A direct connection (TopologyType Single) takes exactly one host, got ${seeds.length}: ${seeds.join(', ')}`);
  }
  if (options.loadBalanced && (options.directConnection || setName !== null)) {
    throw new MongoInvalidArgumentError('loadBalanced=true cannot be combined with directConnection=true or replicaSet');
  }
  if (setName !== null && type !== 'ReplicaSetNoPrimary' && type !== 'Single') {
    throw new MongoInvalidArgumentError(`replicaSet '${setName}' requires TopologyType ReplicaSetNoPrimary or Single, not ${type}`);
  }
}

/**
 * Freezes a description after recomputing the fields derived from its servers
 * (compatibility and logicalSessionTimeoutMinutes), so no update can forget them.
 */
export function freezeTopology(description: TopologyDescription): TopologyDescription {
  let compatibilityError: string | null = null;
  for (const server of description.servers.values()) {
    if (!isKnownServerType(server.type) || server.type === 'LoadBalancer') continue;
    compatibilityError = wireCompatibilityError(server);
    if (compatibilityError !== null) break;
  }
  return Object.freeze({
    ...description,
    servers: new Map(description.servers),
    compatible: compatibilityError === null,
    compatibilityError,
    logicalSessionTimeoutMinutes: logicalSessionTimeoutOf(description.servers),
  });
}

/** Smallest timeout among data-bearing servers; null if any of them lacks one (sessions spec). */
function logicalSessionTimeoutOf(servers: ReadonlyMap<string, ServerDescription>): number | null {
  let smallest: number | null = null;
  for (const server of servers.values()) {
    if (!isDataBearing(server.type) || server.type === 'LoadBalancer') continue;
    if (server.logicalSessionTimeoutMinutes === null) return null;
    smallest = smallest === null ? server.logicalSessionTimeoutMinutes : Math.min(smallest, server.logicalSessionTimeoutMinutes);
  }
  return smallest;
}

/**
 * A description assembled from already-known servers (tests, SRV rescans, tools),
 * with derived fields computed. Prefer createTopologyDescription + updateTopology.
 */
export function makeTopologyDescription(
  fields: Pick<TopologyDescription, 'type' | 'servers'> & Partial<Omit<TopologyDescription, 'type' | 'servers'>>,
): TopologyDescription {
  return freezeTopology({
    setName: null,
    maxSetVersion: null,
    maxElectionId: null,
    compatible: true,
    compatibilityError: null,
    logicalSessionTimeoutMinutes: null,
    seedCount: fields.servers.size,
    heartbeatFrequencyMS: DEFAULT_HEARTBEAT_FREQUENCY_MS,
    localThresholdMS: DEFAULT_LOCAL_THRESHOLD_MS,
    ...fields,
  });
}

/** Whether two descriptions differ in anything an application could observe (for change events). */
export function topologyDescriptionEquals(a: TopologyDescription, b: TopologyDescription): boolean {
  if (
    a.type !== b.type ||
    a.setName !== b.setName ||
    a.maxSetVersion !== b.maxSetVersion ||
    !(a.maxElectionId === null || b.maxElectionId === null ? a.maxElectionId === b.maxElectionId : a.maxElectionId.equals(b.maxElectionId)) ||
    a.compatible !== b.compatible ||
    a.logicalSessionTimeoutMinutes !== b.logicalSessionTimeoutMinutes ||
    a.servers.size !== b.servers.size
  ) {
    return false;
  }
  for (const [address, server] of a.servers) {
    const other = b.servers.get(address);
    if (other === undefined || !serverDescriptionEquals(server, other)) return false;
  }
  return true;
}

export function hasPrimary(description: TopologyDescription): boolean {
  for (const server of description.servers.values()) if (server.type === 'RSPrimary') return true;
  return false;
}

export function primaryOf(description: TopologyDescription): ServerDescription | undefined {
  for (const server of description.servers.values()) if (server.type === 'RSPrimary') return server;
  return undefined;
}
