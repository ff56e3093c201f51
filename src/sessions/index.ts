// The sessions layer's public surface (re-exported by src/index.ts).
export { ClientSession, type SessionOptions } from './client-session.js';
export { ClientSessions, type ClientSessionsSettings, type SessionTarget } from './client-sessions.js';
export { ServerSession } from './server-session.js';
export { ServerSessionPool, END_SESSIONS_BATCH_SIZE } from './server-session-pool.js';
export { compareTimestamps, isNewerClusterTime, laterClusterTime, type ClusterTime } from './cluster-time.js';
