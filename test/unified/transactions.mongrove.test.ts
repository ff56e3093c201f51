import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'transactions', sub: 'unified', adapter: mongroveAdapter, topology: 'replicaset' });
