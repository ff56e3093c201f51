import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'unified-test-format', sub: 'valid-pass', adapter: officialAdapter });
