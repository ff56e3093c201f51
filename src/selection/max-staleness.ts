// maxStalenessSeconds: validation against the topology and the staleness estimate
// of each secondary (max-staleness spec, server-selection spec).
import { MongoInvalidArgumentError } from '../errors.js';
import type { ServerDescription } from '../sdam/server-description.js';
import { primaryOf, type TopologyDescription } from '../sdam/topology-description.js';
import { requestedMaxStaleness, type ReadPreferenceLike } from './read-preference-input.js';

/** How often an idle primary writes a no-op so secondaries' lastWriteDate keeps moving. */
export const IDLE_WRITE_PERIOD_MS = 10_000;
export const SMALLEST_MAX_STALENESS_SECONDS = 90;

/** Throws when the read preference's maxStalenessSeconds cannot be honoured in this topology. */
export function validateMaxStaleness(topology: TopologyDescription, readPreference: ReadPreferenceLike): void {
  const maxStaleness = requestedMaxStaleness(readPreference);
  if (maxStaleness === undefined) return;
  if (readPreference.mode === 'primary') {
    throw new MongoInvalidArgumentError(`maxStalenessSeconds (${maxStaleness}) cannot be used with read preference mode 'primary'`);
  }
  if (topology.type !== 'ReplicaSetWithPrimary' && topology.type !== 'ReplicaSetNoPrimary') return;
  const minimumSeconds = Math.max(SMALLEST_MAX_STALENESS_SECONDS, (topology.heartbeatFrequencyMS + IDLE_WRITE_PERIOD_MS) / 1000);
  if (!(maxStaleness >= minimumSeconds)) {
    throw new MongoInvalidArgumentError(
      `maxStalenessSeconds must be at least ${minimumSeconds} (the larger of ${SMALLEST_MAX_STALENESS_SECONDS} and ` +
        `heartbeatFrequencyMS ${topology.heartbeatFrequencyMS} + idleWritePeriodMS ${IDLE_WRITE_PERIOD_MS}, in seconds), got ${maxStaleness}`,
    );
  }
}

/** Estimated replication lag of `server` in ms; zero for anything but a secondary. */
export function estimateStalenessMS(topology: TopologyDescription, server: ServerDescription): number {
  if (server.type !== 'RSSecondary') return 0;
  const lastWrite = server.lastWriteDate ?? 0;
  const primary = primaryOf(topology);
  if (topology.type === 'ReplicaSetWithPrimary' && primary !== undefined) {
    const primaryLag = primary.lastUpdateTime - (primary.lastWriteDate ?? 0);
    return server.lastUpdateTime - lastWrite - primaryLag + topology.heartbeatFrequencyMS;
  }
  let freshest = Number.NEGATIVE_INFINITY;
  for (const candidate of topology.servers.values()) {
    if (candidate.type === 'RSSecondary') freshest = Math.max(freshest, candidate.lastWriteDate ?? 0);
  }
  return freshest - lastWrite + topology.heartbeatFrequencyMS;
}

/** Keeps the servers whose estimated staleness is within the read preference's maximum. */
export function filterByStaleness(
  topology: TopologyDescription,
  readPreference: ReadPreferenceLike,
  servers: readonly ServerDescription[],
): ServerDescription[] {
  const maxStaleness = requestedMaxStaleness(readPreference);
  if (maxStaleness === undefined || maxStaleness <= 0) return [...servers];
  return servers.filter((server) => estimateStalenessMS(topology, server) <= maxStaleness * 1000);
}
