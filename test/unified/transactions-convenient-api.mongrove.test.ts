import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions-convenient-api', sub: 'unified', adapter: mongroveAdapter, topology: 'replicaset' });
