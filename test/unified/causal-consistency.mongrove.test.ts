// causal-consistency's unified files (at the folder root) need a replica set for afterClusterTime:
// they run on the embedded one-member replica set.
import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'causal-consistency', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
