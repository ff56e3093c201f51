import { registerSpecSuite } from './harness.js';
import { uriSpecCases } from '../support/uri-spec-runner.js';

registerSpecSuite('connection-string', uriSpecCases('connection-string'));
