import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-writes', sub: 'unified', adapter: mongroveAdapter });
