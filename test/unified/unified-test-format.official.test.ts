import { officialAdapter } from './adapters/official.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'unified-test-format', sub: 'valid-pass', adapter: officialAdapter, topologies: PER_TEST_TARGETS });
