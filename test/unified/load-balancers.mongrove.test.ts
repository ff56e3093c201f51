import { mongroveAdapter } from './adapters/mongrove.js';
import { LOAD_BALANCED_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'load-balancers', adapter: mongroveAdapter, topologies: LOAD_BALANCED_TARGETS, auth: true });
