import { registerInvalidSuite } from './suite.js';

registerInvalidSuite();
