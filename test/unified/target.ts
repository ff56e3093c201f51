// The deployment the unified tests run against: MONGODB_URI when set, otherwise
// one embedded MemoryServer per vitest file (started lazily, stopped after the file).
import { MemoryServer } from '../../src/server/index.js';

/** What a suite asks of the embedded server: a standalone (default) or a one-member replica set. */
export type TargetTopology = 'single' | 'replicaset';

export interface TargetOptions {
  topology?: TargetTopology;
  /** Access control on, with one user whose credentials the uri carries (runOnRequirements auth: true). */
  auth?: boolean;
}

/** The replica set name the embedded replica-set target runs under. */
export const EMBEDDED_REPLICA_SET = 'rs0';

const EMBEDDED_USER = { user: 'unified-runner', pwd: 'unified-runner-pwd' };

export interface Target {
  uri: string;
  /** "embedded" or "external". */
  origin: 'embedded' | 'external';
  stop(): Promise<void>;
}

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, origin: 'external', stop: async () => {} };
  const server = await MemoryServer.start({
    ...(options.topology === 'replicaset' ? { replSet: EMBEDDED_REPLICA_SET } : {}),
    ...(options.auth === true ? { auth: true, users: [EMBEDDED_USER] } : {}),
  });
  const uri = options.auth === true ? withCredentials(server.uri) : server.uri;
  return { uri, origin: 'embedded', stop: () => server.stop() };
}

function withCredentials(uri: string): string {
  const credentials = `${encodeURIComponent(EMBEDDED_USER.user)}:${encodeURIComponent(EMBEDDED_USER.pwd)}@`;
  return uri.replace(/^mongodb:\/\//u, `mongodb://${credentials}`);
}
