import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions-convenient-api', sub: 'unified', adapter: officialAdapter, topology: 'replicaset' });
