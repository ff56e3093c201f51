import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'unified-test-format', sub: 'valid-pass', adapter: mongroveAdapter });
