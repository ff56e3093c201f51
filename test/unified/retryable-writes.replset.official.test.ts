import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-writes', sub: 'unified', adapter: officialAdapter });
