import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'command-logging-and-monitoring', sub: '', adapter: officialAdapter });
