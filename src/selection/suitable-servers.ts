// Suitable servers for an operation, by topology type, operation kind and read
// preference (server-selection spec "Rules for server selection"), with
// deprioritized servers avoided when anything else would do.
import type { ServerDescription } from '../sdam/server-description.js';
import type { TopologyDescription } from '../sdam/topology-description.js';
import { isKnownServerType } from '../sdam/types.js';
import { filterByStaleness, validateMaxStaleness } from './max-staleness.js';
import { PRIMARY, type ReadPreferenceLike } from './read-preference-input.js';
import { filterByTagSets } from './tag-sets.js';

export type OperationKind = 'read' | 'write';

export interface SelectionCriteria {
  readonly operation: OperationKind;
  /** Defaults to primary. Ignored for writes, and in Single, Sharded and LoadBalanced topologies. */
  readonly readPreference?: ReadPreferenceLike;
  /** Addresses a retry wants to avoid (the servers earlier attempts failed on). */
  readonly deprioritized?: readonly string[];
  /** An application-provided filter applied to the suitable servers. */
  readonly serverSelector?: (servers: readonly ServerDescription[]) => readonly ServerDescription[];
}

/**
 * Every suitable server. Throws MongoInvalidArgumentError for a read preference the topology
 * cannot honour (maxStalenessSeconds rules).
 */
export function suitableServers(topology: TopologyDescription, criteria: SelectionCriteria): ServerDescription[] {
  const readPreference = criteria.readPreference ?? PRIMARY;
  if (criteria.operation === 'read') validateMaxStaleness(topology, readPreference);
  const all = [...topology.servers.values()];
  const avoided = new Set(criteria.deprioritized ?? []);
  let suitable = avoided.size === 0 ? [] : suitableAmong(topology, criteria.operation, readPreference, all.filter((s) => !avoided.has(s.address)));
  if (suitable.length === 0) suitable = suitableAmong(topology, criteria.operation, readPreference, all);
  return criteria.serverSelector ? [...criteria.serverSelector(suitable)] : suitable;
}

function suitableAmong(
  topology: TopologyDescription,
  operation: OperationKind,
  readPreference: ReadPreferenceLike,
  candidates: readonly ServerDescription[],
): ServerDescription[] {
  switch (topology.type) {
    case 'Unknown':
      return [];
    case 'Single':
      return candidates.filter((server) => isKnownServerType(server.type));
    case 'LoadBalanced':
      return candidates.filter((server) => server.type === 'LoadBalancer');
    case 'Sharded':
      return candidates.filter((server) => server.type === 'Mongos');
    case 'ReplicaSetNoPrimary':
    case 'ReplicaSetWithPrimary':
      if (operation === 'write') return ofType(candidates, 'RSPrimary');
      return replicaSetReadCandidates(topology, readPreference, candidates);
  }
}

function ofType(servers: readonly ServerDescription[], type: ServerDescription['type']): ServerDescription[] {
  return servers.filter((server) => server.type === type);
}

function replicaSetReadCandidates(
  topology: TopologyDescription,
  readPreference: ReadPreferenceLike,
  candidates: readonly ServerDescription[],
): ServerDescription[] {
  const primaries = ofType(candidates, 'RSPrimary');
  const eligible = (servers: readonly ServerDescription[]): ServerDescription[] =>
    filterByTagSets(filterByStaleness(topology, readPreference, servers), readPreference.tagSets);
  const secondaries = (): ServerDescription[] => eligible(ofType(candidates, 'RSSecondary'));
  switch (readPreference.mode) {
    case 'primary':
      return primaries;
    case 'secondary':
      return secondaries();
    case 'nearest':
      return eligible(candidates.filter((server) => server.type === 'RSSecondary' || server.type === 'RSPrimary'));
    case 'secondaryPreferred': {
      const found = secondaries();
      return found.length > 0 ? found : primaries;
    }
    case 'primaryPreferred':
      return primaries.length > 0 ? primaries : secondaries();
  }
}
