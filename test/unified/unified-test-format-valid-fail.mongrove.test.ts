import { mongroveAdapter } from './adapters/mongrove.js';
import { registerValidFailSuite } from './suite.js';

registerValidFailSuite(mongroveAdapter);
