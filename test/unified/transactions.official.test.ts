import { officialAdapter } from './adapters/official.js';
import { REPLICA_SET_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions', sub: 'unified', adapter: officialAdapter, topologies: REPLICA_SET_TARGETS });
