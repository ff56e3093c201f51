import { officialAdapter } from './adapters/official.js';
import { registerValidFailSuite } from './suite.js';

registerValidFailSuite(officialAdapter);
