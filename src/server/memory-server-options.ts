// MemoryServer's options: their types, and the checks that turn bad values into a
// MongoInvalidArgumentError naming the option before anything listens.
import { MongoInvalidArgumentError } from '../errors.js';
import { MAX_MEMBERS } from './replication/members.js';
import { DEFAULT_TTL_INTERVAL_MS } from './storage/ttl-monitor.js';
import type { ServerTlsOptions } from './wire-server/tls.js';
import type { MemoryServerAwsCredential } from './auth/aws-seed.js';
import type { MemoryServerOidcOptions } from './auth/oidc-provider.js';

export interface MemoryServerOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** TCP port (default 0: an ephemeral port chosen by the OS). */
  port?: number;
  /**
   * Receives server-side problems: exceptions thrown by a handler that were not
   * CommandErrors (the client gets an InternalError reply) and connections closed
   * for protocol errors. Default: one line on stderr for handler exceptions only.
   */
  onError?: (event: ServerErrorEvent) => void;
  /**
   * Access control, as mongod's --auth: unauthenticated connections may run only
   * hello, saslStart/saslContinue/authenticate, ping, listCommands, buildInfo and
   * connectionStatus; authenticated ones what their users' roles (built-in and custom) grant
   * (read, readWrite, dbAdmin, userAdmin, dbOwner, the AnyDatabase roles,
   * clusterAdmin, root). Default false: nothing is enforced (users can still be
   * created and authenticate).
   */
  auth?: boolean;
  /**
   * Serve TLS (only) on every port, as mongod --tlsMode requireTLS; `uri` then carries tls=true.
   * With `ca`, clients are asked for a certificate: one the CA verified lets the connection
   * authenticate as MONGODB-X509 (its RFC 2253 subject names a user in $external).
   */
  tls?: ServerTlsOptions;
  /** Users to create before the server accepts connections (SCRAM-SHA-1 and -256 unless `mechanisms` says otherwise). */
  users?: readonly MemoryServerUser[];
  /**
   * Runs as the primary of a one-member replica set with this name (as mongod --replSet):
   * hello reports the set, replies carry $clusterTime/operationTime, retryable writes
   * (lsid + txnNumber) are deduplicated, and `uri` names the set. Default: a standalone.
   */
  replSet?: string;
  /**
   * With `replSet`: how many members the set has (default 1, the one-member set above). Each member
   * listens on its own port (consecutive ports from `port` when it is not 0) with its own `me`,
   * failpoints and connection ids; member 0 starts as primary. All members share one data engine,
   * so secondaries see the primary's writes at once (no replication lag). Secondaries refuse
   * writes (NotWritablePrimary) and reads without secondaryOk (NotPrimaryNoSecondaryOk);
   * replSetStepDown on the primary elects another member not frozen (replSetFreeze) within
   * ~100 ms. `uri` names every member.
   */
  members?: number;
  /**
   * Behaves as mongoses behind load balancers would for drivers: a hello carrying
   * `loadBalanced: true` is answered as a mongos (`msg: 'isdbgrid'`) with a `serviceId`, and
   * `uri` carries `loadBalanced=true`. The main port is a balancer fronting one service;
   * `multiServiceUri` is a second port fronting two, each new connection routed to the next
   * (round-robin), so pools see connections of two serviceIds. The services share all state.
   * Combines with `replSet` (transactions need it): the replica set then stays the engine,
   * hidden from load-balanced handshakes.
   */
  loadBalanced?: boolean;
  /**
   * A sharded cluster as drivers see one: two mongos routers on two ports (`uri` reaches the
   * first, `multiMongosUri` both) over one shared engine, a replica set (named by `replSet`,
   * default 'shard0') hidden from handshakes. Each router has its own failpoints, cursors and
   * connections, as separate mongos processes do; data, sessions and transactions are
   * cluster-wide. Not combinable with `loadBalanced` or `members`.
   */
  sharded?: boolean;
  /**
   * How often the TTL monitor deletes expired documents (TTL indexes, clustered collections with
   * expireAfterSeconds), as mongod's ttlMonitorSleepSecs: default 60000. setParameter
   * { ttlMonitorSleepSecs: N } changes it at runtime.
   */
  ttlMonitorIntervalMS?: number;
  /**
   * MONGODB-AWS: AWS key pairs the server's simulated STS recognises. The server verifies the
   * client's SigV4-signed GetCallerIdentity request itself (a real mongod asks STS) and
   * authenticates the $external user named by the key's `arn` (seed it in `users`).
   */
  awsCredentials?: readonly MemoryServerAwsCredential[];
  /** The STS host the server names in MONGODB-AWS conversations (mongod's awsStsHost); default sts.amazonaws.com. */
  awsStsHost?: string;
  /**
   * MONGODB-OIDC: the identity provider the server trusts (mongod's oidcIdentityProviders, one
   * entry without the authorization claim). A JWT it signed (HS256 `secret` or RS256 `publicKey`)
   * for `audience` authenticates the $external user `<authNamePrefix>/<sub>` (the bare `sub`
   * when no prefix is set; seed it in `users`). After the token's `exp`, commands on that
   * connection fail with ReauthenticationRequired (391) until it authenticates again.
   * Human-flow clients first get `{ issuer, clientId, requestScopes }` (the two-step conversation).
   */
  oidc?: MemoryServerOidcOptions;
}

export interface MemoryServerUser {
  user: string;
  /**
   * Required except in $external. For a $external user it is the password of the simulated
   * LDAP directory PLAIN checks (mongod proxies PLAIN to LDAP); absent, the user can only
   * authenticate with MONGODB-X509 (its name then is a certificate subject).
   */
  pwd?: string;
  /** The user's authentication database; default 'admin'; '$external' for X.509 / PLAIN users. */
  db?: string;
  mechanisms?: ReadonlyArray<'SCRAM-SHA-1' | 'SCRAM-SHA-256'>;
  /**
   * The user's roles, as createUser takes them (a role name of the user's database, or
   * { role, db }). Default (absent): [{ role: 'root', db: 'admin' }], full access, so a
   * seeded test or dev user can run anything; pass [] for a user with no roles.
   */
  roles?: unknown[];
}

export type ServerErrorEvent =
  | { kind: 'handlerError'; commandName: string; error: unknown }
  | { kind: 'protocolError'; connectionId: number; error: unknown };

export function defaultOnError(event: ServerErrorEvent): void {
  if (event.kind !== 'handlerError') return;
  const detail = event.error instanceof Error ? (event.error.stack ?? event.error.message) : String(event.error);
  process.stderr.write(`mongrove-server: internal error in command '${event.commandName}': ${detail}\n`);
}

export function validatedOptions(options: MemoryServerOptions): { host: string; port: number } {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (typeof host !== 'string' || host.length === 0) throw new MongoInvalidArgumentError('MemoryServer host must be a non-empty string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new MongoInvalidArgumentError(`MemoryServer port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  return { host, port };
}

export function memberCountFrom(options: MemoryServerOptions): number {
  const members = options.members ?? 1;
  if (!Number.isInteger(members) || members < 1 || members > MAX_MEMBERS) {
    throw new MongoInvalidArgumentError(`MemoryServer members must be an integer from 1 to ${MAX_MEMBERS}, got ${String(members)}`);
  }
  if (members > 1 && options.replSet === undefined) throw new MongoInvalidArgumentError('MemoryServer members > 1 needs replSet (the set\'s name)');
  if (members > 1 && options.loadBalanced === true) throw new MongoInvalidArgumentError('MemoryServer members > 1 cannot be combined with loadBalanced');
  return members;
}

export function ttlIntervalFrom(options: MemoryServerOptions): number {
  const interval = options.ttlMonitorIntervalMS ?? DEFAULT_TTL_INTERVAL_MS;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new MongoInvalidArgumentError(`MemoryServer ttlMonitorIntervalMS must be a positive number, got ${String(interval)}`);
  }
  return interval;
}

/** The mode flags must be booleans when given, and sharded stands alone (no load balancer, no members). */
export function checkModeFlags(options: MemoryServerOptions): void {
  if (options.loadBalanced !== undefined && typeof options.loadBalanced !== 'boolean') {
    throw new MongoInvalidArgumentError('MemoryServer loadBalanced must be a boolean');
  }
  if (options.sharded !== undefined && typeof options.sharded !== 'boolean') throw new MongoInvalidArgumentError('MemoryServer sharded must be a boolean');
  if (options.sharded !== true) return;
  if (options.loadBalanced === true) throw new MongoInvalidArgumentError('MemoryServer sharded cannot be combined with loadBalanced');
  if ((options.members ?? 1) !== 1) throw new MongoInvalidArgumentError('MemoryServer sharded cannot be combined with members');
}
