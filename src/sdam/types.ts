// The SDAM vocabulary: server and topology types as string-literal unions.

export const SERVER_TYPES = [
  'Standalone',
  'Mongos',
  'PossiblePrimary',
  'RSPrimary',
  'RSSecondary',
  'RSArbiter',
  'RSOther',
  'RSGhost',
  'LoadBalancer',
  'Unknown',
] as const;
export type ServerType = (typeof SERVER_TYPES)[number];

export const TOPOLOGY_TYPES = ['Single', 'ReplicaSetNoPrimary', 'ReplicaSetWithPrimary', 'Sharded', 'LoadBalanced', 'Unknown'] as const;
export type TopologyType = (typeof TOPOLOGY_TYPES)[number];

export function isServerType(value: unknown): value is ServerType {
  return typeof value === 'string' && (SERVER_TYPES as readonly string[]).includes(value);
}

export function isTopologyType(value: unknown): value is TopologyType {
  return typeof value === 'string' && (TOPOLOGY_TYPES as readonly string[]).includes(value);
}

const DATA_BEARING: ReadonlySet<ServerType> = new Set(['Standalone', 'Mongos', 'RSPrimary', 'RSSecondary', 'LoadBalancer']);

/** Servers that hold data and can serve operations (the spec's "data-bearing server type"). */
export function isDataBearing(type: ServerType): boolean {
  return DATA_BEARING.has(type);
}

/** Types a monitor learned something about; Unknown and PossiblePrimary are guesses, not observations. */
export function isKnownServerType(type: ServerType): boolean {
  return type !== 'Unknown' && type !== 'PossiblePrimary';
}
