// retryable-writes needs sessions and txnNumber, so it runs against the embedded one-member replica set;
// with authentication on, so the handshake-error tests (runOnRequirements auth: true) run too.
import { officialAdapter } from './adapters/official.js';
import { registerUnifiedSuite } from './suite.js';

registerUnifiedSuite({ spec: 'retryable-writes', sub: 'unified', adapter: officialAdapter, topology: 'replicaset', auth: true });
