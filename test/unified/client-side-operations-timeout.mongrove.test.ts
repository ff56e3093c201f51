import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({
  spec: 'client-side-operations-timeout',
  sub: '',
  adapter: mongroveAdapter,
  topologies: PER_TEST_TARGETS,
});
