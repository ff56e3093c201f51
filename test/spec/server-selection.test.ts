// Server selection spec tests: server_selection (suitable servers and latency window),
// in_window (two random choices by operationCount) and rtt (EWMA).
import { expect } from 'vitest';
import { averageRoundTripTime } from '../../src/sdam/round-trip-time.js';
import { selectServer } from '../../src/selection/select-server.js';
import { runSelectionTest, type SelectionTest } from '../selection/support/selection-runner.js';
import { topologyFromSpec, type SpecTopology } from '../selection/support/spec-topology.js';
import { specFiles } from '../support/specs-dir.js';
import { registerSpecSuite, type SpecCase } from './harness.js';

interface InWindowTest {
  description: string;
  topology_description: SpecTopology;
  mocked_topology_state: { address: string; operation_count: number }[];
  iterations: number;
  outcome: { tolerance: number; expected_frequencies: Record<string, number> };
}

interface RttTest {
  avg_rtt_ms: number | 'NULL';
  new_rtt_ms: number;
  new_avg_rtt: number;
}

/** A small deterministic PRNG (mulberry32) so the frequency test is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runInWindowTest(test: InWindowTest): void {
  const topology = topologyFromSpec(test.topology_description);
  const counts = new Map(test.mocked_topology_state.map((s) => [s.address, s.operation_count]));
  const random = seededRandom(20240601);
  const selected = new Map<string, number>();
  for (let i = 0; i < test.iterations; i++) {
    const server = selectServer(topology, { operation: 'read', readPreference: { mode: 'nearest' } }, {
      operationCount: (address) => counts.get(address) ?? 0,
      random,
    });
    if (server === undefined) throw new Error('no server selected');
    selected.set(server.address, (selected.get(server.address) ?? 0) + 1);
  }
  for (const [address, expected] of Object.entries(test.outcome.expected_frequencies)) {
    const frequency = (selected.get(address) ?? 0) / test.iterations;
    if (expected === 0 || expected === 1) expect(frequency, address).toBe(expected);
    else expect(Math.abs(frequency - expected), `${address} frequency ${frequency} vs ${expected}`).toBeLessThanOrEqual(test.outcome.tolerance);
  }
}

function runRttTest(test: RttTest): void {
  const previous = test.avg_rtt_ms === 'NULL' ? null : test.avg_rtt_ms;
  expect(averageRoundTripTime(previous, test.new_rtt_ms)).toBeCloseTo(test.new_avg_rtt, 9);
}

const cases: SpecCase[] = [
  ...specFiles<SelectionTest>('server-selection', 'server_selection').map((file) => ({
    file: file.name,
    name: file.name.replace(/^server_selection\//, '').replace(/\.json$/, ''),
    run: () => runSelectionTest(file.content),
  })),
  ...specFiles<InWindowTest>('server-selection', 'in_window').map((file) => ({
    file: file.name,
    name: file.content.description,
    run: () => runInWindowTest(file.content),
  })),
  ...specFiles<RttTest>('server-selection', 'rtt').map((file) => ({
    file: file.name,
    name: file.name.replace(/^rtt\//, '').replace(/\.json$/, ''),
    run: () => runRttTest(file.content),
  })),
];

registerSpecSuite('server-selection', cases);
