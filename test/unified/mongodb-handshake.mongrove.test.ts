import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'mongodb-handshake', sub: 'unified', adapter: mongroveAdapter, topologies: PER_TEST_TARGETS });
