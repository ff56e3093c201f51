// The deployment the unified tests run against, chosen by the environment:
//   MONGROVE_TARGET=embedded  the in-process MemoryServer (the default);
//   MONGROVE_TARGET=mongod    a real mongod started by mongodb-memory-server-core (standalone, or the
//                             replica set rs0): the binary comes only from MONGOMS_SYSTEM_BINARY or the
//                             package's cache, it is never downloaded (see mongod-target.ts);
//   MONGROVE_TARGET=external  MONGODB_URI (required then);
//   unset                     MONGODB_URI when it is set, else the embedded server.
// Embedded and mongod targets are started lazily per vitest file and stopped after it.
import { MemoryServer } from '../../src/server/index.js';
import { installOidcTokenEnvironment, oidcServerOptions } from './oidc-target.js';

/**
 * What a suite asks of a started server: a standalone (default), a one-member replica set, or
 * the replica set behind a simulated load balancer ('load-balanced': the embedded server answers
 * load-balanced handshakes as a mongos with a serviceId, and its uri carries loadBalanced=true).
 * Such a target has the unified format's two load-balancer uris: `uri` fronts a single service
 * (mongos), `multiMongosUri` two (clients with useMultipleMongoses true or unset use it).
 * 'sharded' is the embedded sharded cluster: two mongoses over one replica-set engine; `uri` names
 * the first, `multiMongosUri` both (clients with useMultipleMongoses true use it).
 */
export type TargetTopology = 'single' | 'replicaset' | 'load-balanced' | 'sharded';

export interface TargetOptions {
  topology?: TargetTopology;
  /** Access control on, with one user whose credentials the uri carries (runOnRequirements auth: true). */
  auth?: boolean;
  /**
   * 'replicaset' targets: members of the embedded set (default 1). The SDAM suite asks for 3, the
   * drivers' usual test replica set; the mongod and external targets ignore it.
   */
  replicaSetMembers?: number;
  /**
   * With `auth`: the embedded server also trusts a simulated OIDC identity provider, with the
   * auth spec's test users and token files (OIDC_TOKEN_FILE set while the target runs; see oidc-target.ts).
   */
  oidc?: boolean;
}

/** The replica set name the started replica-set targets run under. */
export const EMBEDDED_REPLICA_SET = 'rs0';

/** The user created when a target runs with access control. */
export const TARGET_USER = { user: 'unified-runner', pwd: 'unified-runner-pwd' } as const;

export type TargetOrigin = 'embedded' | 'external' | 'mongod';

export interface Target {
  uri: string;
  /** Load-balanced targets: the balancer fronting several services (multiMongosLoadBalancedUri); sharded ones: every mongos. */
  multiMongosUri?: string;
  origin: TargetOrigin;
  stop(): Promise<void>;
}

export type TargetSource = { kind: 'external'; uri: string } | { kind: 'embedded' } | { kind: 'mongod' };

export const TARGET_VARIABLE = 'MONGROVE_TARGET';

/** Which deployment the environment asks for; an explicit MONGROVE_TARGET wins over MONGODB_URI. */
export function targetSource(env: Readonly<Record<string, string | undefined>> = process.env): TargetSource {
  const uri = env.MONGODB_URI === '' ? undefined : env.MONGODB_URI;
  const chosen = env[TARGET_VARIABLE] ?? '';
  switch (chosen) {
    case '':
      return uri === undefined ? { kind: 'embedded' } : { kind: 'external', uri };
    case 'embedded':
    case 'mongod':
      return { kind: chosen };
    case 'external':
      if (uri === undefined) throw new Error(`${TARGET_VARIABLE}=external needs MONGODB_URI to be set`);
      return { kind: 'external', uri };
    default:
      throw new Error(`${TARGET_VARIABLE} must be "embedded", "mongod" or "external", got "${chosen}"`);
  }
}

/** True when every suite shares one deployment the runner does not start (MONGODB_URI). */
export function isExternalTarget(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return targetSource(env).kind === 'external';
}

/** Why this environment cannot start a target of `topology` (undefined: it can). */
export function unavailableTopology(topology: TargetTopology): string | undefined {
  if (topology === 'load-balanced' && targetSource().kind === 'mongod') return `${TARGET_VARIABLE}=mongod has no load balancer`;
  if (topology === 'sharded' && targetSource().kind === 'mongod') return `${TARGET_VARIABLE}=mongod starts no sharded cluster`;
  return undefined;
}

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const source = targetSource();
  if (source.kind === 'external') return { uri: source.uri, origin: 'external', stop: async () => {} };
  if (source.kind === 'mongod') {
    if (options.topology === 'load-balanced') throw new Error(`${TARGET_VARIABLE}=mongod cannot start a load-balanced target (no load balancer)`);
    if (options.topology === 'sharded') throw new Error(`${TARGET_VARIABLE}=mongod cannot start a sharded target`);
    // Loaded only on demand: the default run never touches mongodb-memory-server-core.
    const { startMongodTarget } = await import('./mongod-target.js');
    return startMongodTarget(options);
  }
  const server = await MemoryServer.start({
    ...(options.topology === 'replicaset' ? { replSet: EMBEDDED_REPLICA_SET, members: options.replicaSetMembers ?? 1 } : {}),
    // Transactions need the replica set's engine; the load balancer hides it from handshakes.
    ...(options.topology === 'load-balanced' ? { replSet: EMBEDDED_REPLICA_SET, loadBalanced: true } : {}),
    ...(options.topology === 'sharded' ? { sharded: true } : {}),
    ...(options.auth === true ? { auth: true, users: [{ ...TARGET_USER }] } : {}),
    ...(options.auth === true && options.oidc === true ? oidcServerOptions([{ ...TARGET_USER }]) : {}),
  });
  const credentialed = (plain: string): string => (options.auth === true ? withCredentials(plain) : plain);
  const multi = server.multiServiceUri ?? server.multiMongosUri;
  const target: Target = { uri: credentialed(server.uri), ...(multi !== undefined ? { multiMongosUri: credentialed(multi) } : {}), origin: 'embedded', stop: () => server.stop() };
  if (options.auth !== true || options.oidc !== true) return target;
  const restoreEnvironment = installOidcTokenEnvironment();
  return {
    ...target,
    stop: async () => {
      restoreEnvironment();
      await server.stop();
    },
  };
}

export function withCredentials(uri: string): string {
  const credentials = `${encodeURIComponent(TARGET_USER.user)}:${encodeURIComponent(TARGET_USER.pwd)}@`;
  return uri.replace(/^mongodb:\/\//u, `mongodb://${credentials}`);
}
