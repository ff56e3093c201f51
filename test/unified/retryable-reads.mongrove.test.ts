import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-reads', sub: 'unified', adapter: mongroveAdapter });
