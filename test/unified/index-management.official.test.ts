import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'index-management', sub: '', adapter: officialAdapter });
