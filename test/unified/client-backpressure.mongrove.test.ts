// client-backpressure's unified files (at the folder root): the retry-loop files need a replica set,
// getMore-retried.json runs on the standalone.
import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'client-backpressure', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
