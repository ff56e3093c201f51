import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-reads', sub: 'unified', adapter: officialAdapter });
