import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions', sub: 'unified', adapter: officialAdapter, topology: 'replicaset' });
