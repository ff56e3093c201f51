// CMAP's structured log messages (unified format), with authentication on so the auth: true test runs;
// reported apart from the CMAP JSON suite of test/spec/connection-monitoring-and-pooling.test.ts.
import { mongroveAdapter } from './adapters/mongrove.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({
  spec: 'connection-monitoring-and-pooling',
  sub: 'logging',
  reportName: 'connection-monitoring-and-pooling-logging',
  adapter: mongroveAdapter,
  topologies: PER_TEST_TARGETS,
  auth: true,
});
