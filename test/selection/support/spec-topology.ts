// Builds TopologyDescriptions and read preferences from server-selection / max-staleness spec JSON.
import { makeServerDescription, type ServerDescription } from '../../../src/sdam/server-description.js';
import { makeTopologyDescription, type TopologyDescription } from '../../../src/sdam/topology-description.js';
import { isServerType, isTopologyType } from '../../../src/sdam/types.js';
import { MAX_SUPPORTED_WIRE_VERSION } from '../../../src/sdam/wire-versions.js';
import { isReadPreferenceMode, type ReadPreferenceLike, type TagSet } from '../../../src/selection/read-preference-input.js';
import { fromExtendedJson } from '../../sdam/support/spec-values.js';

export interface SpecServer {
  address: string;
  type: string;
  avg_rtt_ms?: number;
  tags?: Record<string, string>;
  lastUpdateTime?: number;
  lastWrite?: { lastWriteDate: unknown };
  maxWireVersion?: number;
}

export interface SpecTopology {
  type: string;
  servers: SpecServer[];
}

export interface SpecReadPreference {
  mode?: string;
  tag_sets?: TagSet[];
  maxStalenessSeconds?: number;
}

export function serverFromSpec(spec: SpecServer): ServerDescription {
  if (!isServerType(spec.type)) throw new Error(`unknown server type ${spec.type}`);
  const lastWrite = spec.lastWrite === undefined ? undefined : fromExtendedJson<{ lastWriteDate: unknown }>(spec.lastWrite).lastWriteDate;
  return makeServerDescription(spec.address, {
    type: spec.type,
    roundTripTime: spec.avg_rtt_ms ?? null,
    tags: spec.tags ?? {},
    lastUpdateTime: spec.lastUpdateTime ?? 0,
    lastWriteDate: typeof lastWrite === 'number' ? lastWrite : null,
    // Files that omit wire versions describe servers this driver can talk to.
    maxWireVersion: spec.maxWireVersion ?? MAX_SUPPORTED_WIRE_VERSION,
  });
}

export function topologyFromSpec(spec: SpecTopology, heartbeatFrequencyMS?: number): TopologyDescription {
  if (!isTopologyType(spec.type)) throw new Error(`unknown topology type ${spec.type}`);
  const servers = new Map(spec.servers.map((server) => [serverFromSpec(server).address, serverFromSpec(server)]));
  return makeTopologyDescription({ type: spec.type, servers, ...(heartbeatFrequencyMS === undefined ? {} : { heartbeatFrequencyMS }) });
}

export function readPreferenceFromSpec(spec: SpecReadPreference | undefined): ReadPreferenceLike {
  const raw = spec?.mode ?? 'primary';
  const mode = raw.charAt(0).toLowerCase() + raw.slice(1);
  if (!isReadPreferenceMode(mode)) throw new Error(`unknown read preference mode ${raw}`);
  return { mode, tagSets: spec?.tag_sets, maxStalenessSeconds: spec?.maxStalenessSeconds };
}
