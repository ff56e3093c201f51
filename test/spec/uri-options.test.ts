import { registerSpecSuite } from './harness.js';
import { uriSpecCases } from '../support/uri-spec-runner.js';

registerSpecSuite('uri-options', uriSpecCases('uri-options'));
