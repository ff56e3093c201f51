// One listening node of the embedded server: a standalone, one member of a replica set or one
// mongos of a sharded cluster. A node owns what a mongod or mongos process owns (its port, command
// table, cursors, failpoints, connections, topologyVersion, opcounters) over a data engine it may
// share with the other nodes of its deployment (shared-engine.ts).
import { authorizedListDatabases } from './commands/admin/list-databases.js';
import type { ServerSecurity } from './auth/security.js';
import { builtinHandlers } from './builtin-handlers.js';
import { ChangeLog } from './change-streams/change-log.js';
import { ChangeRecorder } from './change-streams/change-recorder.js';
import { CommandRegistry, type RegisterOptions } from './command-registry.js';
import { ConnectionDirectory } from './connection-state.js';
import { MemoryCursorStore } from './cursors/cursor-store.js';
import { Dispatcher } from './dispatcher.js';
import { FailPointRegistry } from './failpoints/failpoint-registry.js';
import type { ServerErrorEvent } from './memory-server-options.js';
import { countingHandler, opCountersOf } from './op-counters.js';
import { memberCommands } from './replication/member-commands.js';
import type { ReplicaSetMembers } from './replication/members.js';
import type { ReplicaSetState } from './replication/replica-set.js';
import { RETRYABLE_WRITE_COMMANDS, retryableWriteHandler } from './replication/retryable-write-handlers.js';
import { interruptedByStepDown } from './replication/stepdown-interrupts.js';
import { hostString, type LoadBalancerState, type RouterState, type ServerAddress, type ServerRuntime } from './server-runtime.js';
import { SharedEngine } from './shared-engine.js';
import { TopologyVersion } from './topology-version.js';
import { transactionCommands } from './transactions/transaction-commands.js';
import type { CommandHandler } from './types.js';
import { WireListener } from './wire-server/listener.js';
import { validateServerTls, type ServerTlsOptions } from './wire-server/tls.js';

export interface NodeSetup {
  readonly host: string;
  readonly onError: (event: ServerErrorEvent) => void;
  readonly security: ServerSecurity;
  readonly replication?: ReplicaSetState;
  readonly loadBalancer?: LoadBalancerState;
  /** The engine of the deployment's first node; absent for the first node, which creates it. */
  readonly engine?: SharedEngine;
  /** A member of a multi-member replica set: the set's roster. */
  readonly members?: ReplicaSetMembers;
  /** A mongos of a sharded cluster: its router. */
  readonly router?: RouterState;
}

/** The host a client should dial: wildcard binds are reached through loopback. */
function dialHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export class ServerNode {
  readonly runtime: ServerRuntime;
  readonly engine: SharedEngine;
  private readonly listener: WireListener;
  /** The balancer fronting two services (load-balanced mode only). */
  private readonly multiListener: WireListener | undefined;
  private boundPort = 0;
  private multiPort = 0;
  private tls = false;
  /** What this node adds around every command, built-in or registered later. */
  private readonly finish: (handler: CommandHandler) => CommandHandler;

  constructor(private readonly setup: NodeSetup) {
    const { replication, loadBalancer, members, router, security } = setup;
    const registry = new CommandRegistry();
    const failpoints = new FailPointRegistry();
    this.engine = setup.engine ?? new SharedEngine();
    // Replica-set mode keeps a change log (the oplog change streams read), stamped by the set's clock.
    if (replication !== undefined && setup.engine === undefined) this.engine.storage.recordChanges(new ChangeRecorder(new ChangeLog(replication.clock)));
    const runtime: ServerRuntime = {
      storage: this.engine.storage,
      cursors: new MemoryCursorStore(),
      localSessions: this.engine.localSessions,
      registry,
      failpoints,
      topology: new TopologyVersion(),
      connections: new ConnectionDirectory(),
      security,
      startedAt: new Date(),
      address: () => this.address,
      ...(replication !== undefined ? { replication } : {}),
      ...(loadBalancer !== undefined ? { loadBalancer } : {}),
      ...(router !== undefined ? { router } : {}),
    };
    this.runtime = runtime;
    this.engine.join(runtime);
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
    const memberIndex = members?.add(() => hostString(this.address), runtime.topology);
    if (members !== undefined && memberIndex !== undefined && replication !== undefined) {
      for (const handler of memberCommands(replication, members, memberIndex)) registry.register(handler, { replace: true });
    }
    const opCounters = opCountersOf(runtime);
    this.finish = (handler) => {
      const routed = router?.route(handler) ?? handler;
      const member = members !== undefined && memberIndex !== undefined ? interruptedByStepDown(routed, members, memberIndex) : routed;
      return countingHandler(member, opCounters);
    };
    for (const handler of registry.handlers()) registry.register(this.finish(handler), { replace: true });
    const dispatcher = new Dispatcher({
      registry,
      failpoints,
      server: runtime,
      localSessions: runtime.localSessions,
      onInternalError: (error, commandName) => setup.onError({ kind: 'handlerError', commandName, error }),
      checkAccess: (commandName, connection, body, dbName) =>
        security.checkAccess(commandName, runtime.connections.get(connection.id)?.auth, body, dbName, connection.remoteAddress),
      ...(replication !== undefined ? { replication } : {}),
      ...(members !== undefined && memberIndex !== undefined
        ? { member: { isSecondary: () => !members.isPrimary(memberIndex), topologyVersion: () => runtime.topology.toDocument() } }
        : {}),
    });
    const deps = {
      runtime,
      dispatcher,
      onProtocolError: (error: unknown, connectionId: number) => setup.onError({ kind: 'protocolError', connectionId, error }),
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

  get address(): ServerAddress {
    return { host: dialHost(this.setup.host), port: this.boundPort };
  }

  /** The balancer fronting two services (load-balanced mode); undefined otherwise. */
  get multiServiceAddress(): ServerAddress | undefined {
    return this.multiListener === undefined ? undefined : { host: dialHost(this.setup.host), port: this.multiPort };
  }

  get tlsEnabled(): boolean {
    return this.tls;
  }

  /** Serves TLS only (call before listen). */
  useTls(options: ServerTlsOptions): void {
    const tls = validateServerTls(options);
    this.tls = true;
    this.listener.useTls(tls);
    this.multiListener?.useTls(tls);
  }

  /** Listens on `port` (0: ephemeral), and the multi-service balancer on an ephemeral port. */
  async listen(port: number): Promise<void> {
    this.boundPort = await this.listener.listen(this.setup.host, port);
    if (this.multiListener === undefined) return;
    try {
      this.multiPort = await this.multiListener.listen(this.setup.host, 0);
    } catch (error) {
      await this.listener.close();
      throw error;
    }
  }

  /** Adds a command as this node runs its built-in ones (routed on a mongos, counted in opcounters). */
  registerCommand(handler: CommandHandler, options?: RegisterOptions): void {
    // The registry validates the handler as given; the finished one then takes its place.
    this.runtime.registry.register(handler, options);
    this.runtime.registry.register(this.finish(handler), { replace: true });
  }

  /** Closes the listeners and every connection; drops the node's cursors and failpoints. */
  async close(): Promise<void> {
    await this.listener.close();
    await this.multiListener?.close();
    this.runtime.cursors.clear();
    this.runtime.failpoints.reset();
  }
}
