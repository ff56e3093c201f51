import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'command-logging-and-monitoring', sub: '', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
