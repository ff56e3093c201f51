// MemoryServer: the embedded server's programmatic entry point.
//   const server = await MemoryServer.start();   // 127.0.0.1, ephemeral port
//   new MongoClient(server.uri) ...; await server.stop();
import { ObjectId } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { ServerSecurity } from './auth/security.js';
import { builtinHandlers } from './builtin-handlers.js';
import { ChangeLog } from './change-streams/change-log.js';
import { ChangeRecorder } from './change-streams/change-recorder.js';
import { CommandRegistry, type RegisterOptions } from './command-registry.js';
import { ConnectionDirectory } from './connection-state.js';
import { MemoryCursorStore } from './cursors/cursor-store.js';
import { Dispatcher } from './dispatcher.js';
import { FailPointRegistry } from './failpoints/failpoint-registry.js';
import { LocalSessionCache } from './local-sessions.js';
import { ReplicaSetState } from './replication/replica-set.js';
import { RETRYABLE_WRITE_COMMANDS, retryableWriteHandler } from './replication/retryable-write-handlers.js';
import { hostString, type LoadBalancerState, type ServerAddress, type ServerRuntime } from './server-runtime.js';
import { transactionCommands } from './transactions/transaction-commands.js';
import { Storage } from './storage/storage.js';
import { TopologyVersion } from './topology-version.js';
import type { CommandHandler } from './types.js';
import { WireListener } from './wire-server/listener.js';

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
   * connectionStatus; authenticated ones what their users' built-in roles grant
   * (read, readWrite, dbAdmin, userAdmin, dbOwner, the AnyDatabase roles,
   * clusterAdmin, root). Default false: nothing is enforced (users can still be
   * created and authenticate).
   */
  auth?: boolean;
  /** Users to create before the server accepts connections (SCRAM-SHA-1 and -256 unless `mechanisms` says otherwise). */
  users?: readonly MemoryServerUser[];
  /**
   * Runs as the primary of a one-member replica set with this name (as mongod --replSet):
   * hello reports the set, replies carry $clusterTime/operationTime, retryable writes
   * (lsid + txnNumber) are deduplicated, and `uri` names the set. Default: a standalone.
   */
  replSet?: string;
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
}

export interface MemoryServerUser {
  user: string;
  pwd: string;
  /** The user's authentication database; default 'admin'. */
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

function securityFrom(options: MemoryServerOptions): ServerSecurity {
  if (options.auth !== undefined && typeof options.auth !== 'boolean') throw new MongoInvalidArgumentError('MemoryServer auth must be a boolean');
  const security = new ServerSecurity(options.auth === true);
  for (const [i, seed] of (options.users ?? []).entries()) {
    if (typeof seed.user !== 'string' || seed.user.length === 0 || typeof seed.pwd !== 'string') {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] needs a non-empty string 'user' and a string 'pwd'`);
    }
    try {
      security.users.create({ user: seed.user, db: seed.db ?? 'admin', pwd: seed.pwd, roles: seed.roles ?? [{ role: 'root', db: 'admin' }], mechanisms: seed.mechanisms });
    } catch (error) {
      throw new MongoInvalidArgumentError(`MemoryServer users[${i}] (${seed.user}) is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
  return security;
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

  private constructor(
    private readonly host: string,
    onError: (event: ServerErrorEvent) => void,
    security: ServerSecurity,
    private readonly replication: ReplicaSetState | undefined,
    private readonly loadBalancer: LoadBalancerState | undefined,
  ) {
    const registry = new CommandRegistry();
    const failpoints = new FailPointRegistry();
    const storage = new Storage();
    // Replica-set mode keeps a change log (the oplog change streams read), stamped by the set's clock.
    if (replication !== undefined) storage.recordChanges(new ChangeRecorder(new ChangeLog(replication.clock)));
    const runtime: ServerRuntime = {
      storage,
      cursors: new MemoryCursorStore(),
      localSessions: new LocalSessionCache(),
      registry,
      failpoints,
      topology: new TopologyVersion(),
      connections: new ConnectionDirectory(),
      security,
      startedAt: new Date(),
      address: () => this.address,
      ...(replication !== undefined ? { replication } : {}),
      ...(loadBalancer !== undefined ? { loadBalancer } : {}),
    };
    this.runtime = runtime;
    registry.registerAll(builtinHandlers(runtime));
    if (replication !== undefined) {
      for (const name of RETRYABLE_WRITE_COMMANDS) {
        const handler = registry.lookup(name);
        if (handler !== undefined) registry.register(retryableWriteHandler(handler, replication.history, failpoints), { replace: true });
      }
      registry.registerAll(transactionCommands(replication.transactions));
    }
    const dispatcher = new Dispatcher({
      registry,
      failpoints,
      server: runtime,
      localSessions: runtime.localSessions,
      onInternalError: (error, commandName) => onError({ kind: 'handlerError', commandName, error }),
      checkAccess: (commandName, connection, body, dbName) =>
        security.checkAccess(commandName, runtime.connections.get(connection.id)?.auth, body, dbName, connection.remoteAddress),
      ...(replication !== undefined ? { replication } : {}),
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
    const replication = options.replSet === undefined ? undefined : new ReplicaSetState(options.replSet);
    if (options.loadBalanced !== undefined && typeof options.loadBalanced !== 'boolean') {
      throw new MongoInvalidArgumentError('MemoryServer loadBalanced must be a boolean');
    }
    const loadBalancer: LoadBalancerState | undefined = options.loadBalanced === true ? { serviceIds: [new ObjectId(), new ObjectId()] } : undefined;
    const server = new MemoryServer(host, options.onError ?? defaultOnError, securityFrom(options), replication, loadBalancer);
    server.boundPort = await server.listener.listen(host, port);
    if (server.multiListener !== undefined) {
      try {
        server.multiPort = await server.multiListener.listen(host, 0);
      } catch (error) {
        await server.listener.close();
        throw error;
      }
    }
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  get address(): ServerAddress {
    return { host: dialHost(this.host), port: this.boundPort };
  }

  /**
   * "mongodb://127.0.0.1:PORT/", "mongodb://127.0.0.1:PORT/?replicaSet=NAME" in replica-set mode,
   * "mongodb://127.0.0.1:PORT/?loadBalanced=true" behind the load balancer (which hides the set).
   */
  get uri(): string {
    const base = `mongodb://${hostString(this.address)}/`;
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
    return `mongodb://${hostString({ host: dialHost(this.host), port: this.multiPort })}/?loadBalanced=true`;
  }

  /** The replica set's name, when started with `replSet`. */
  get replicaSetName(): string | undefined {
    return this.replication?.setName;
  }

  /** Adds a command (or replaces one, with { replace: true }); any MongoDB driver or shell can then run it. */
  registerCommand(handler: CommandHandler, options?: RegisterOptions): void {
    this.runtime.registry.register(handler, options);
  }

  /** Signals a topology change: awaitable hellos reply at once with the new topologyVersion. */
  bumpTopologyVersion(): void {
    this.runtime.topology.bump();
  }

  /** Closes the listener and every connection, drops all cursors. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.listener.close();
      await this.multiListener?.close();
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
