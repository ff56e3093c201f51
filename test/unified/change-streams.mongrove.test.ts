// Change streams need a replica set (a standalone refuses $changeStream): each test runs on the
// embedded one-member replica set, except those written for a standalone (which expect that refusal).
import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'change-streams', sub: 'unified', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
