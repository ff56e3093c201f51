// SDAM's unified tests (error handling, pool clearing, heartbeats, logging): each test runs on the
// standalone when it admits one, else on a three-member replica set (the drivers' usual test set:
// tests count one heartbeat or topology change per member, and step down the primary); with authentication on, so the
// auth-* files (runOnRequirements auth: true) run too. Reported apart from the SDAM JSON suite of
// test/spec/server-discovery-and-monitoring.test.ts.
import { officialAdapter } from './adapters/official.js';
import { PER_TEST_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({
  spec: 'server-discovery-and-monitoring',
  sub: 'unified',
  reportName: 'server-discovery-and-monitoring-unified',
  adapter: officialAdapter,
  topologies: PER_TEST_TARGETS,
  auth: true,
  replicaSetMembers: 3,
});
