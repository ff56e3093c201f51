// Runs one server_selection / max-staleness spec file (both suites share this format).
import { expect } from 'vitest';
import { MongoInvalidArgumentError } from '../../../src/errors.js';
import { inLatencyWindow } from '../../../src/selection/latency-window.js';
import { suitableServers, type OperationKind } from '../../../src/selection/suitable-servers.js';
import { readPreferenceFromSpec, topologyFromSpec, type SpecReadPreference, type SpecServer, type SpecTopology } from './spec-topology.js';

export interface SelectionTest {
  topology_description: SpecTopology;
  operation?: OperationKind;
  read_preference?: SpecReadPreference;
  deprioritized_servers?: SpecServer[];
  suitable_servers?: SpecServer[];
  in_latency_window?: SpecServer[];
  error?: boolean;
  heartbeatFrequencyMS?: number;
}

const addresses = (servers: readonly { address: string }[]): string[] => servers.map((s) => s.address).sort();

export function runSelectionTest(test: SelectionTest): void {
  const topology = topologyFromSpec(test.topology_description, test.heartbeatFrequencyMS);
  const criteria = {
    operation: test.operation ?? 'read',
    readPreference: readPreferenceFromSpec(test.read_preference),
    deprioritized: test.deprioritized_servers?.map((s) => s.address),
  };
  if (test.error === true) {
    expect(() => suitableServers(topology, criteria)).toThrow(MongoInvalidArgumentError);
    return;
  }
  const suitable = suitableServers(topology, criteria);
  if (test.suitable_servers !== undefined) expect(addresses(suitable), 'suitable_servers').toEqual(addresses(test.suitable_servers));
  if (test.in_latency_window !== undefined) {
    expect(addresses(inLatencyWindow(suitable, topology.localThresholdMS)), 'in_latency_window').toEqual(addresses(test.in_latency_window));
  }
}

