import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'unified-test-format', sub: 'valid-pass', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
