// SDAM simulation spec tests (single, rs, sharded, load-balanced, errors, monitoring):
// hello replies and application errors go through the pure SDAM functions.
import type { Document } from '../../src/bson.js';
import type { TopologyType } from '../../src/sdam/types.js';
import { assertEvents, assertTopology, type ExpectedTopology } from '../sdam/support/sdam-outcome.js';
import { SdamSimulator, type SimulatedApplicationError } from '../sdam/support/sdam-simulator.js';
import { booleanOption, parseSpecUri } from '../sdam/support/spec-uri.js';
import { fromExtendedJson } from '../sdam/support/spec-values.js';
import { specFiles } from '../support/specs-dir.js';
import { registerSpecSuite, type SpecCase } from './harness.js';

interface Phase {
  description?: string;
  responses?: [string, Document][];
  applicationErrors?: SimulatedApplicationError[];
  outcome: ExpectedTopology | { events: Document[] };
}

interface SdamTest {
  description: string;
  uri: string;
  phases: Phase[];
}

const FOLDERS = ['single', 'rs', 'sharded', 'load-balanced', 'errors', 'monitoring'];

function simulatorFor(folder: string, uri: string): SdamSimulator {
  const parsed = parseSpecUri(uri);
  const directConnection = booleanOption(parsed, 'directConnection');
  // The tests README: single-host files in single/ start as TopologyType Single unless the URI says otherwise.
  const type: TopologyType | undefined =
    folder === 'single' && directConnection === undefined && parsed.hosts.length === 1 ? 'Single' : undefined;
  const heartbeat = parsed.options.get('heartbeatfrequencyms');
  return new SdamSimulator({
    seeds: parsed.hosts,
    type,
    setName: parsed.options.get('replicaset') ?? null,
    directConnection,
    loadBalanced: booleanOption(parsed, 'loadBalanced'),
    heartbeatFrequencyMS: heartbeat === undefined ? undefined : Number(heartbeat),
  });
}

function run(folder: string, test: SdamTest): void {
  const simulator = simulatorFor(folder, test.uri);
  for (const phase of test.phases) {
    for (const [address, hello] of phase.responses ?? []) simulator.applyHello(address, fromExtendedJson(hello));
    for (const error of phase.applicationErrors ?? []) {
      simulator.applyError({ ...error, response: error.response === undefined ? undefined : fromExtendedJson(error.response) });
    }
    if ('events' in phase.outcome) {
      assertEvents(simulator.events, phase.outcome.events);
      simulator.events.length = 0;
    } else {
      assertTopology(simulator.description, phase.outcome, (address) => simulator.poolGeneration(address));
    }
  }
}

const cases: SpecCase[] = FOLDERS.flatMap((folder) =>
  specFiles<SdamTest>('server-discovery-and-monitoring', folder).map((file) => ({
    file: file.name,
    name: file.content.description,
    run: () => run(folder, file.content),
  })),
);

registerSpecSuite('server-discovery-and-monitoring', cases);
