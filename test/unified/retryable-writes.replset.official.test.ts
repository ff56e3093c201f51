// retryable-writes needs sessions and txnNumber, so it runs against the embedded one-member replica set
// (or the sharded cluster, for the tests only a sharded deployment admits);
// with authentication on, so the handshake-error tests (runOnRequirements auth: true) run too.
import { officialAdapter } from './adapters/official.js';
import { REPLICA_SET_TARGETS, registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-writes', sub: 'unified', adapter: officialAdapter, topologies: REPLICA_SET_TARGETS, auth: true });
