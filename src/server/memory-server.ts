// MemoryServer: the embedded server's programmatic entry point.
//   const server = await MemoryServer.start();   // 127.0.0.1, ephemeral port
//   new MongoClient(server.uri) ...; await server.stop();
import { ObjectId } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { ServerSecurity } from './auth/security.js';
import { builtinHandlers } from './builtin-handlers.js';
import { authorizedListDatabases } from './commands/admin/list-databases.js';
import { ChangeLog } from './change-streams/change-log.js';
import { ChangeRecorder } from './change-streams/change-recorder.js';
import { CommandRegistry, type RegisterOptions } from './command-registry.js';
import { ConnectionDirectory } from './connection-state.js';
import { MemoryCursorStore } from './cursors/cursor-store.js';
import { countingHandler, opCountersOf } from './op-counters.js';
import { Dispatcher } from './dispatcher.js';
import { FailPointRegistry } from './failpoints/failpoint-registry.js';
import { LocalSessionCache } from './local-sessions.js';
import { memberCommands } from './replication/member-commands.js';
import { MAX_MEMBERS, ReplicaSetMembers } from './replication/members.js';
import { ReplicaSetState } from './replication/replica-set.js';
import { RETRYABLE_WRITE_COMMANDS, retryableWriteHandler } from './replication/retryable-write-handlers.js';
import { hostString, type LoadBalancerState, type RouterState, type ServerAddress, type ServerRuntime } from './server-runtime.js';
import { MongosRouter } from './sharding/mongos-router.js';
import { routerCommands } from './sharding/router-commands.js';
import { SHARD_REPLICA_SET, TransactionRouting } from './sharding/transaction-routing.js';
import { transactionCommands } from './transactions/transaction-commands.js';
import { Storage } from './storage/storage.js';
import { DEFAULT_TTL_INTERVAL_MS, ttlMonitorOf } from './storage/ttl-monitor.js';
import { TopologyVersion } from './topology-version.js';
import type { CommandHandler } from './types.js';
import { WireListener } from './wire-server/listener.js';
import { validateServerTls, type ServerTlsOptions } from './wire-server/tls.js';

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

function defaultOnError(event: ServerErrorEvent): void {
  if (event.kind !== 'handlerError') return;
  const detail = event.error instanceof Error ? (event.error.stack ?? event.error.message) : String(event.error);
  process.stderr.write(`mongrove-server: internal error in command '${event.commandName}': ${detail}\n`);
}

function validatedOptions(options: MemoryServerOptions): { host: string; port: number } {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (typeof host !== 'string' || host.length === 0) throw new MongoInvalidArgumentError('MemoryServer host must be a non-empty string');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new MongoInvalidArgumentError(`MemoryServer port must be an integer from 0 to 65535, got ${String(port)}`);
  }
  return { host, port };
}

function memberCountFrom(options: MemoryServerOptions): number {
  const members = options.members ?? 1;
  if (!Number.isInteger(members) || members < 1 || members > MAX_MEMBERS) {
    throw new MongoInvalidArgumentError(`MemoryServer members must be an integer from 1 to ${MAX_MEMBERS}, got ${String(members)}`);
  }
  if (members > 1 && options.replSet === undefined) throw new MongoInvalidArgumentError('MemoryServer members > 1 needs replSet (the set\'s name)');
  if (members > 1 && options.loadBalanced === true) throw new MongoInvalidArgumentError('MemoryServer members > 1 cannot be combined with loadBalanced');
  return members;
}

/** A member of a multi-member replica set: the set's roster, and the data engine member 0 created. */
interface MemberSetup {
  readonly members: ReplicaSetMembers;
  readonly storage?: Storage;
}

/** A mongos of a sharded cluster: its router, and (for all but the first) the engine the first created. */
interface MongosSetup {
  readonly router: RouterState;
  readonly engine?: { readonly storage: Storage; readonly localSessions: LocalSessionCache };
}

function securityFrom(options: MemoryServerOptions): ServerSecurity {
  if (options.auth !== undefined && typeof options.auth !== 'boolean') throw new MongoInvalidArgumentError('MemoryServer auth must be a boolean');
  const security = new ServerSecurity(options.auth === true);
  for (const [i, seed] of (options.users ?? []).entries()) {
    const external = seed.db === '$external';
    if (typeof seed.user !== 'string' || seed.user.length === 0 || (typeof seed.pwd !== 'string' && !(external && seed.pwd === undefined))) {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] needs a non-empty string 'user' and a string 'pwd' (optional only with db '$external')`);
    }
    try {
      // A $external user's password belongs to the simulated LDAP directory, not to the user document.
      const pwd = external ? undefined : seed.pwd;
      security.users.create({ user: seed.user, db: seed.db ?? 'admin', pwd, roles: seed.roles ?? [{ role: 'root', db: 'admin' }], mechanisms: seed.mechanisms });
      if (external && seed.pwd !== undefined) security.directory.setPassword(seed.user, seed.pwd);
    } catch (error) {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] (${seed.user}) is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return security;
}

function ttlIntervalFrom(options: MemoryServerOptions): number {
  const interval = options.ttlMonitorIntervalMS ?? DEFAULT_TTL_INTERVAL_MS;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    throw new MongoInvalidArgumentError(`MemoryServer ttlMonitorIntervalMS must be a positive number, got ${String(interval)}`);
  }
  return interval;
}

/** Adds tls=true to a server uri when the server speaks TLS. */
function withTlsParameter(uri: string, tls: boolean): string {
  if (!tls) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}tls=true`;
}

/** The host a client should dial: wildcard binds are reached through loopback. */
function dialHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export class MemoryServer {
  private readonly runtime: ServerRuntime;
  private readonly listener: WireListener;
  /** The balancer fronting two services (load-balanced mode only). */
  private readonly multiListener: WireListener | undefined;
  private boundPort = 0;
  private multiPort = 0;
  private stopping: Promise<void> | undefined;
  private tlsEnabled = false;
  /** Members 1..N-1 of a multi-member replica set (this server is member 0). */
  private peers: MemoryServer[] = [];
  /** Sharded mode: the cluster's second mongos (this server is the first). */
  private secondMongos: MemoryServer | undefined;

  private constructor(
    private readonly host: string,
    onError: (event: ServerErrorEvent) => void,
    security: ServerSecurity,
    private readonly replication: ReplicaSetState | undefined,
    private readonly loadBalancer: LoadBalancerState | undefined,
    member?: MemberSetup,
    mongos?: MongosSetup,
  ) {
    const registry = new CommandRegistry();
    const failpoints = new FailPointRegistry();
    const storage = member?.storage ?? mongos?.engine?.storage ?? new Storage();
    // Replica-set mode keeps a change log (the oplog change streams read), stamped by the set's clock.
    if (replication !== undefined && member?.storage === undefined && mongos?.engine === undefined) storage.recordChanges(new ChangeRecorder(new ChangeLog(replication.clock)));
    const runtime: ServerRuntime = {
      storage,
      cursors: new MemoryCursorStore(),
      localSessions: mongos?.engine?.localSessions ?? new LocalSessionCache(),
      registry,
      failpoints,
      topology: new TopologyVersion(),
      connections: new ConnectionDirectory(),
      security,
      startedAt: new Date(),
      address: () => this.address,
      ...(replication !== undefined ? { replication } : {}),
      ...(loadBalancer !== undefined ? { loadBalancer } : {}),
      ...(mongos !== undefined ? { router: mongos.router } : {}),
    };
    this.runtime = runtime;
    registry.registerAll(builtinHandlers(runtime));
    const listDatabases = registry.lookup('listDatabases');
    if (listDatabases !== undefined) registry.register(authorizedListDatabases(runtime, listDatabases), { replace: true });
    if (replication !== undefined) {
      for (const name of RETRYABLE_WRITE_COMMANDS) {
        const handler = registry.lookup(name);
        if (handler !== undefined) registry.register(retryableWriteHandler(handler, replication.history, failpoints), { replace: true });
      }
      registry.registerAll(transactionCommands(replication.transactions));
    }
    const memberIndex = member?.members.add(() => hostString(this.address), runtime.topology);
    if (member !== undefined && memberIndex !== undefined && replication !== undefined) {
      for (const handler of memberCommands(replication, member.members, memberIndex)) registry.register(handler, { replace: true });
    }
    if (mongos !== undefined) for (const handler of registry.handlers()) registry.register(mongos.router.route(handler), { replace: true });
    const opCounters = opCountersOf(runtime);
    for (const handler of registry.handlers()) registry.register(countingHandler(handler, opCounters), { replace: true });
    const dispatcher = new Dispatcher({
      registry,
      failpoints,
      server: runtime,
      localSessions: runtime.localSessions,
      onInternalError: (error, commandName) => onError({ kind: 'handlerError', commandName, error }),
      checkAccess: (commandName, connection, body, dbName) =>
        security.checkAccess(commandName, runtime.connections.get(connection.id)?.auth, body, dbName, connection.remoteAddress),
      ...(replication !== undefined ? { replication } : {}),
      ...(member !== undefined && memberIndex !== undefined
        ? { member: { isSecondary: () => !member.members.isPrimary(memberIndex), topologyVersion: () => runtime.topology.toDocument() } }
        : {}),
    });
    const deps = {
      runtime,
      dispatcher,
      onProtocolError: (error: unknown, connectionId: number) => onError({ kind: 'protocolError', connectionId, error }),
    };
    if (loadBalancer === undefined) {
      this.listener = new WireListener(deps);
      this.multiListener = undefined;
    } else {
      const [first, second] = loadBalancer.serviceIds;
      let routed = 0;
      this.listener = new WireListener(deps, { routeToService: () => first });
      this.multiListener = new WireListener(deps, { routeToService: () => (routed++ % 2 === 0 ? first : second) });
    }
  }

  /** Starts a server and resolves once it is listening. */
  static async start(options: MemoryServerOptions = {}): Promise<MemoryServer> {
    const { host, port } = validatedOptions(options);
    ttlIntervalFrom(options);
    const replication = options.replSet === undefined ? undefined : new ReplicaSetState(options.replSet);
    if (options.loadBalanced !== undefined && typeof options.loadBalanced !== 'boolean') {
      throw new MongoInvalidArgumentError('MemoryServer loadBalanced must be a boolean');
    }
    if (options.sharded !== undefined && typeof options.sharded !== 'boolean') throw new MongoInvalidArgumentError('MemoryServer sharded must be a boolean');
    if (options.sharded === true) return MemoryServer.startCluster(host, port, options);
    const loadBalancer: LoadBalancerState | undefined = options.loadBalanced === true ? { serviceIds: [new ObjectId(), new ObjectId()] } : undefined;
    const memberCount = memberCountFrom(options);
    if (replication !== undefined && memberCount > 1) return MemoryServer.startMembers(host, port, memberCount, options, replication);
    const server = new MemoryServer(host, options.onError ?? defaultOnError, securityFrom(options), replication, loadBalancer);
    server.applyTls(options);
    server.boundPort = await server.listener.listen(host, port);
    if (server.multiListener !== undefined) {
      try {
        server.multiPort = await server.multiListener.listen(host, 0);
      } catch (error) {
        await server.listener.close();
        throw error;
      }
    }
    ttlMonitorOf(server.runtime.storage).start(ttlIntervalFrom(options));
    return server;
  }

  /** A multi-member replica set: member 0 (returned) holds the others as peers. */
  private static async startMembers(host: string, port: number, count: number, options: MemoryServerOptions, replication: ReplicaSetState): Promise<MemoryServer> {
    const members = new ReplicaSetMembers();
    replication.members = members;
    const onError = options.onError ?? defaultOnError;
    const security = securityFrom(options);
    const first = new MemoryServer(host, onError, security, replication, undefined, { members });
    const servers = [first];
    for (let i = 1; i < count; i++) servers.push(new MemoryServer(host, onError, security, replication, undefined, { members, storage: first.runtime.storage }));
    first.peers = servers.slice(1);
    for (const server of servers) server.applyTls(options);
    try {
      for (const [i, server] of servers.entries()) server.boundPort = await server.listener.listen(host, port === 0 ? 0 : port + i);
    } catch (error) {
      await first.stop();
      throw error;
    }
    ttlMonitorOf(first.runtime.storage).start(ttlIntervalFrom(options));
    return first;
  }

  /** A sharded cluster: the first mongos (returned) holds the second; both route to one engine. */
  private static async startCluster(host: string, port: number, options: MemoryServerOptions): Promise<MemoryServer> {
    if (options.loadBalanced === true) throw new MongoInvalidArgumentError('MemoryServer sharded cannot be combined with loadBalanced');
    if ((options.members ?? 1) !== 1) throw new MongoInvalidArgumentError('MemoryServer sharded cannot be combined with members');
    // Transactions need the replica set's engine underneath, as every modern shard is a replica set.
    const replication = new ReplicaSetState(options.replSet ?? SHARD_REPLICA_SET);
    const routing = new TransactionRouting(replication.transactions);
    const onError = options.onError ?? defaultOnError;
    const security = securityFrom(options);
    const first = new MemoryServer(host, onError, security, replication, undefined, undefined, { router: new MongosRouter('mongos0', routing) });
    const engine = { storage: first.runtime.storage, localSessions: first.runtime.localSessions };
    const second = new MemoryServer(host, onError, security, replication, undefined, undefined, { router: new MongosRouter('mongos1', routing), engine });
    first.secondMongos = second;
    for (const handler of routerCommands()) first.registerCommand(handler);
    first.applyTls(options);
    second.applyTls(options);
    try {
      first.boundPort = await first.listener.listen(host, port);
      second.boundPort = await second.listener.listen(host, port === 0 ? 0 : port + 1);
    } catch (error) {
      await first.stop();
      throw error;
    }
    ttlMonitorOf(first.runtime.storage).start(ttlIntervalFrom(options));
    return first;
  }

  /** Switches the listeners to TLS (before they listen) when the options ask for it. */
  private applyTls(options: MemoryServerOptions): void {
    if (options.tls === undefined) return;
    const tls = validateServerTls(options.tls);
    this.tlsEnabled = true;
    this.listener.useTls(tls);
    this.multiListener?.useTls(tls);
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): ServerAddress {
    return { host: dialHost(this.host), port: this.boundPort };
  }

  /**
   * "mongodb://127.0.0.1:PORT/", "mongodb://127.0.0.1:PORT/?replicaSet=NAME" in replica-set mode,
   * "mongodb://127.0.0.1:PORT/?loadBalanced=true" behind the load balancer (which hides the set),
   * "mongodb://127.0.0.1:PORT/" naming the first mongos in sharded mode.
   */
  get uri(): string {
    return withTlsParameter(this.uriWithoutTls, this.tlsEnabled);
  }

  private get uriWithoutTls(): string {
    const base = `mongodb://${this.memberAddresses.map(hostString).join(',')}/`;
    if (this.runtime.router !== undefined) return base;
    if (this.loadBalancer !== undefined) return `${base}?loadBalanced=true`;
    return this.replication === undefined ? base : `${base}?replicaSet=${encodeURIComponent(this.replication.setName)}`;
  }

  /** The services behind the balancers, when started with `loadBalanced` (`uri` reaches the first only). */
  get serviceIds(): readonly ObjectId[] {
    return this.loadBalancer?.serviceIds ?? [];
  }

  /** Load-balanced mode: the uri of the balancer fronting two services; undefined otherwise. */
  get multiServiceUri(): string | undefined {
    if (this.multiListener === undefined) return undefined;
    return withTlsParameter(`mongodb://${hostString({ host: dialHost(this.host), port: this.multiPort })}/?loadBalanced=true`, this.tlsEnabled);
  }

  /** Sharded mode: the uri naming both mongoses ("mongodb://h:p1,h:p2/"); undefined otherwise. */
  get multiMongosUri(): string | undefined {
    if (this.secondMongos === undefined) return undefined;
    return withTlsParameter(`mongodb://${hostString(this.address)},${hostString(this.secondMongos.address)}/`, this.tlsEnabled);
  }

  /** Every member's address, member 0 (this server's `address`) first; just `address` unless started with `members` > 1. */
  get memberAddresses(): ServerAddress[] {
    return [this.address, ...this.peers.map((peer) => peer.address)];
  }

  /** The replica set's name, when started with `replSet` (undefined in sharded mode: the shard's set is hidden). */
  get replicaSetName(): string | undefined {
    return this.runtime.router !== undefined ? undefined : this.replication?.setName;
  }

  /** Adds a command (or replaces one, with { replace: true }); any MongoDB driver or shell can then run it. */
  registerCommand(handler: CommandHandler, options?: RegisterOptions): void {
    this.runtime.registry.register(this.runtime.router?.route(handler) ?? handler, options);
    this.secondMongos?.registerCommand(handler, options);
    for (const peer of this.peers) peer.registerCommand(handler, options);
  }

  /** Signals a topology change: awaitable hellos reply at once with the new topologyVersion. */
  bumpTopologyVersion(): void {
    this.runtime.topology.bump();
    this.secondMongos?.bumpTopologyVersion();
    for (const peer of this.peers) peer.bumpTopologyVersion();
  }

  /** Closes the listener and every connection, drops all cursors. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      ttlMonitorOf(this.runtime.storage).stop();
      await this.listener.close();
      await this.multiListener?.close();
      this.replication?.members?.stop();
      for (const peer of this.peers) await peer.stop();
      await this.secondMongos?.stop();
      this.runtime.cursors.clear();
      this.runtime.localSessions.clear();
      this.runtime.failpoints.reset();
      this.replication?.clear();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
