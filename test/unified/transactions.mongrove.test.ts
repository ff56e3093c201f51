import { mongroveAdapter } from './adapters/mongrove.js';
import { REPLICA_SET_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions', sub: 'unified', adapter: mongroveAdapter, topologies: REPLICA_SET_TARGETS });
