import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'command-logging-and-monitoring', sub: '', adapter: mongroveAdapter });
