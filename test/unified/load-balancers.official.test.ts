import { officialAdapter } from './adapters/official.js';
import { LOAD_BALANCED_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'load-balancers', adapter: officialAdapter, topologies: LOAD_BALANCED_TARGETS, auth: true });
