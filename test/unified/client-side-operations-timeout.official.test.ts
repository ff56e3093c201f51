import { officialAdapter } from './adapters/official.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({
  spec: 'client-side-operations-timeout',
  sub: '',
  adapter: officialAdapter,
  topologies: PER_TEST_TARGETS,
});
