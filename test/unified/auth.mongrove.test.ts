import { mongroveAdapter } from './adapters/mongrove.js';
import { registerUnifiedSuite } from './suite.js';

// The auth spec's unified files (MONGODB-OIDC) against the embedded server's simulated identity provider.
registerUnifiedSuite({ spec: 'auth', sub: 'unified', reportName: 'auth-unified', adapter: mongroveAdapter, topology: 'single', auth: true, oidc: true });
