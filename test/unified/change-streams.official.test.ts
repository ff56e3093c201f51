// Change streams need a replica set (a standalone refuses $changeStream): each test runs on the
// embedded one-member replica set, except those written for a standalone (which expect that refusal).
import { officialAdapter } from './adapters/official.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'change-streams', sub: 'unified', adapter: officialAdapter, topologies: PER_TEST_TARGETS });
