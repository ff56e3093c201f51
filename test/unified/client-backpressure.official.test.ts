// client-backpressure's unified files (at the folder root): the retry-loop files need a replica set,
// getMore-retried.json runs on the standalone.
import { officialAdapter } from './adapters/official.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'client-backpressure', adapter: officialAdapter, topologies: PER_TEST_TARGETS });
