// The sessions layer's public surface (re-exported by src/index.ts).
export { ClientSession, type EndSessionOptions, type SessionOptions, type TransactionCommandName } from './client-session.js';
export {
  type TransactionOptions,
  type TransactionState,
  type TransactionDefaults,
  type TransactionReadPreference,
  type ResolvedTransactionOptions,
} from './transaction.js';
export { type WithTransactionCallback, WITH_TRANSACTION_TIMEOUT_MS } from './with-transaction.js';
export { isUnknownCommitResult, isMaxTimeMSExpired, TRANSIENT_TRANSACTION_ERROR, UNKNOWN_TRANSACTION_COMMIT_RESULT } from './transaction-errors.js';
export { ClientSessions, type ClientSessionsSettings, type SessionTarget } from './client-sessions.js';
export { ServerSession } from './server-session.js';
export { ServerSessionPool, END_SESSIONS_BATCH_SIZE } from './server-session-pool.js';
export { compareTimestamps, isNewerClusterTime, laterClusterTime, type ClusterTime } from './cluster-time.js';
