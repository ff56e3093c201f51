// One server-selection attempt over an immutable TopologyDescription: the pure core
// the Topology's waiting loop calls each time the description changes.
import { MongoCompatibilityError } from '../errors.js';
import type { ServerDescription } from '../sdam/server-description.js';
import type { TopologyDescription } from '../sdam/topology-description.js';
import { inLatencyWindow } from './latency-window.js';
import { pickServer, type RandomSource } from './pick-server.js';
import { suitableServers, type SelectionCriteria } from './suitable-servers.js';

export interface PickOptions {
  /** Operations currently running on each server (defaults to 0). */
  readonly operationCount?: (address: string) => number;
  readonly random?: RandomSource;
}

/** Suitable servers within the latency window. Throws for an incompatible topology or invalid read preference. */
export function selectableServers(topology: TopologyDescription, criteria: SelectionCriteria): ServerDescription[] {
  if (!topology.compatible) throw new MongoCompatibilityError(topology.compatibilityError ?? 'the topology is not wire-compatible with this driver');
  return inLatencyWindow(suitableServers(topology, criteria), topology.localThresholdMS);
}

/** The chosen server, or undefined when none is suitable now (the caller waits for a topology change). */
export function selectServer(topology: TopologyDescription, criteria: SelectionCriteria, options: PickOptions = {}): ServerDescription | undefined {
  return pickServer(selectableServers(topology, criteria), options.operationCount ?? (() => 0), options.random);
}
