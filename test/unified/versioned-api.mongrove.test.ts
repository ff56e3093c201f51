import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'versioned-api', sub: '', adapter: mongroveAdapter });
