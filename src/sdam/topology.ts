// The Topology: the stateful shell around the pure SDAM core. It holds the current
// immutable TopologyDescription and replaces it only through updateTopology /
// handleApplicationError / applySrvHosts, keeps one Server (pool + monitor) per
// address in the description, and publishes SDAM events for every change.
// Server selection's waiting loop lives in src/selection (a higher layer) and is
// handed in as `selector`; see src/selection/wait-for-server.ts.
import type { Document } from '../bson.js';
import type { Connection } from '../connection/connection.js';
import { authenticationStepFailure, connect } from '../connection/connect.js';
import { buildClientMetadata, type DriverInfo } from '../connection/handshake/metadata.js';
import { ConnectionPool } from '../connection/pool/pool.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { parseHostPort } from '../connection/uri/hosts.js';
import { MongoNetworkTimeoutError, MongoRuntimeError, MongoTopologyClosedError } from '../errors.js';
import type { MongoLogger } from '../monitoring/logger/index.js';
import { handleApplicationError, applicationErrorFrom } from './application-error.js';
import { Monitor } from './monitor/monitor.js';
import type { MonitorCheckResult } from './monitor/monitor-options.js';
import { Server, type ServerErrorOrigin, type ServerOwner } from './server.js';
import { loadBalancerServerDescription, type ServerDescription } from './server-description.js';
import { applySrvHosts, isSrvPollingTopology, SrvPoller } from './srv-polling.js';
import { createTopologyDescription, type TopologyDescription } from './topology-description.js';
import { SdamPublisher } from './topology-events.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_SERVER_SELECTION_TIMEOUT_MS, type ServerConnectionOptions, type TopologySettings } from './topology-settings.js';
import type { TopologyType } from './types.js';
import { updateTopology } from './update-topology.js';

/** What an operation asks of selection (the shape crud's SelectionCriteria has). */
export interface OperationSelectionCriteria {
  readonly readPreference: {
    readonly mode: string;
    readonly tags?: readonly Document[];
    readonly maxStalenessSeconds?: number;
  };
  readonly operationName: string;
  /** The operation's id, for server selection log messages. */
  readonly operationId?: number;
  readonly deprioritized?: readonly { readonly address: string }[];
  readonly forWrite?: boolean;
  /** False for the topology's own selection (connect), which is not an operation and is not logged. */
  readonly logged?: boolean;
}

/** The selection loop (src/selection/wait-for-server.ts): resolves to a selectable server's description. */
export type ServerSelectionLoop = (topology: Topology, criteria: OperationSelectionCriteria, ctx: TimeoutContext) => Promise<ServerDescription>;

type TopologyState = 'new' | 'open' | 'closed';

let nextTopologyId = 1;

export class Topology implements ServerOwner {
  readonly topologyId = nextTopologyId++;
  readonly settings: TopologySettings;
  readonly serverSelectionTimeoutMS: number;
  private current: TopologyDescription;
  private state: TopologyState = 'new';
  private readonly servers = new Map<string, Server>();
  private readonly listeners = new Set<() => void>();
  private readonly closing = new Set<Promise<void>>();
  private readonly publisher: SdamPublisher;
  private readonly connectionOptions: ServerConnectionOptions;
  /** The handshake's `client` document for connections made from now on (appendMetadata changes it). */
  private metadata: Document;
  private readonly appendedDriverInfo: DriverInfo[] = [];
  private readonly selector: ServerSelectionLoop | undefined;
  private srvPoller: SrvPoller | undefined;
  private nextMonitorConnectionId = 1;

  constructor(settings: TopologySettings, selector?: ServerSelectionLoop) {
    this.settings = settings;
    this.selector = selector;
    this.serverSelectionTimeoutMS = settings.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS;
    this.current = createTopologyDescription({
      seeds: settings.seeds,
      directConnection: settings.directConnection,
      loadBalanced: settings.loadBalanced,
      setName: settings.replicaSet ?? null,
      heartbeatFrequencyMS: settings.heartbeatFrequencyMS,
      localThresholdMS: settings.localThresholdMS,
    });
    this.publisher = new SdamPublisher(this.topologyId, settings.events);
    const base = settings.connection ?? {};
    this.connectionOptions = {
      ...base,
      connectTimeoutMS: base.connectTimeoutMS ?? settings.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS,
      loadBalanced: settings.loadBalanced === true,
      // Built once for every connection of this topology.
      metadata: base.metadata ?? buildClientMetadata({ appName: base.appName, driverInfo: base.driverInfo }),
    };
    this.metadata = this.connectionOptions.metadata ?? {};
  }

  get description(): TopologyDescription {
    return this.current;
  }

  /** The client's structured logger, when it has one (server selection logs through it). */
  get logger(): MongoLogger | undefined {
    return this.settings.logger;
  }

  get topologyType(): TopologyType {
    return this.current.type;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** The Server for an address in the current description. */
  serverFor(address: string): Server | undefined {
    return this.servers.get(address);
  }

  operationCount(address: string): number {
    return this.servers.get(address)?.operationCount ?? 0;
  }

  /** Starts monitoring (idempotent): opening events, one Server per seed, SRV polling. */
  open(): void {
    if (this.state !== 'new') return;
    this.state = 'open';
    this.publisher.opening(this.current);
    this.syncServers();
    if (this.current.type === 'LoadBalanced') {
      // No monitors: the one server is a load balancer from the start (load-balancers spec).
      for (const address of this.current.servers.keys()) {
        this.setDescription(updateTopology(this.current, loadBalancerServerDescription(address)), address);
        this.servers.get(address)?.pool.ready();
      }
    }
    this.startSrvPolling();
  }

  /** Opens and waits until some server is selectable (any data-bearing member will do). */
  async connect(ctx: TimeoutContext): Promise<void> {
    if (this.closed) throw new MongoTopologyClosedError('the topology is closed');
    this.open();
    if (this.selector === undefined || this.current.type === 'LoadBalanced') return;
    await this.selector(this, { readPreference: { mode: 'primaryPreferred' }, operationName: 'connect', logged: false }, ctx);
  }

  async selectServer(criteria: OperationSelectionCriteria, ctx: TimeoutContext): Promise<Server> {
    if (this.closed) throw new MongoTopologyClosedError('the topology is closed');
    if (this.selector === undefined) {
      throw new MongoRuntimeError('this Topology was built without a server selector (use createTopology from src/selection)');
    }
    this.open();
    const selected = await this.selector(this, criteria, ctx);
    const server = this.servers.get(selected.address);
    if (server === undefined) throw new MongoRuntimeError(`selected server ${selected.address} is no longer part of the topology`);
    return server;
  }

  /** Asks every monitor for a check soon (selection found nothing suitable). */
  requestImmediateCheck(): void {
    for (const server of this.servers.values()) server.monitor?.requestCheck();
  }

  /** Calls `listener` after every description change and on close; returns the unsubscribe function. */
  onDescriptionChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops monitors and SRV polling, closes every pool, publishes the closing events. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') {
      await Promise.all(this.closing);
      return;
    }
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    const servers = [...this.servers.values()];
    this.servers.clear();
    const stopping = [this.srvPoller?.stop(), ...servers.map((server) => server.monitor?.stop())];
    const done = Promise.all(stopping).then(() => undefined);
    this.closing.add(done);
    await done;
    for (const server of servers) server.pool.close();
    await Promise.all(this.closing);
    if (wasOpen) this.publisher.closing(this.current);
    this.notify();
  }

  /**
   * Appends a wrapping library's driver info to the handshake metadata (mongodb-handshake
   * "Metadata updates after MongoClient initialization"): only connections made from now on
   * carry it; established ones are neither re-handshaken nor closed. Duplicates change nothing.
   */
  appendMetadata(info: DriverInfo): void {
    const base = this.settings.connection ?? {};
    const driverInfo = [...(base.driverInfo ?? []), ...this.appendedDriverInfo, info];
    // Validates first (a '|' in a field throws), so a rejected info is not kept.
    this.metadata = buildClientMetadata({ appName: base.appName, driverInfo });
    this.appendedDriverInfo.push(info);
  }

  /** Applies a rescan's SRV hosts (Unknown/Sharded topologies only). */
  applySrvHosts(hosts: readonly string[]): void {
    if (this.closed || !isSrvPollingTopology(this.current.type)) return;
    this.setDescription(applySrvHosts(this.current, hosts, this.settings.srv?.srvMaxHosts ?? 0));
  }

  /** ServerOwner: an operation's error, through the SDAM error-handling rules. */
  handleServerError(server: Server, error: unknown, origin: ServerErrorOrigin): void {
    if (this.closed || this.servers.get(server.address) !== server) return;
    const failure = applicationErrorFrom(error, {
      address: server.address,
      generation: origin.generation,
      maxWireVersion: origin.maxWireVersion,
      completedHandshake: origin.completedHandshake,
      duringAuthentication: origin.duringAuthentication,
    });
    if (failure === null) return;
    const result = handleApplicationError(this.current, server.pool.generationFor(origin.serviceId), failure);
    if (result.outcome !== 'handled') return;
    this.setDescription(result.description, server.address);
    // A load balancer's pool is cleared per service; a connection that failed before its
    // handshake completed never learned its serviceId, so there is nothing to clear.
    const clearable = this.current.type !== 'LoadBalanced' || origin.serviceId !== undefined;
    if (result.clearPool && clearable) {
      server.pool.clear({ serviceId: origin.serviceId, cause: failure.error });
      if (failure.kind !== 'command') server.monitor?.cancelCheck();
    }
    if (result.requestImmediateCheck) server.monitor?.requestCheck();
  }

  // ---- internals -------------------------------------------------------------------

  /** A connection failed while being established (socket, hello or authentication). */
  private handleEstablishmentError(server: Server | undefined, error: Error, generation: number): void {
    if (server === undefined) return;
    const authentication = authenticationStepFailure(error);
    // load-balancers "Initial Handshake Errors": only errors after hello count, for the service hello named.
    if (this.current.type === 'LoadBalanced' && authentication === undefined) return;
    const serviceId = authentication?.serviceId;
    this.handleServerError(server, error, {
      generation: serviceId === undefined ? generation : server.pool.generationFor(serviceId),
      serviceId,
      maxWireVersion: 0,
      completedHandshake: false,
      duringAuthentication: authentication !== undefined,
    });
  }

  private applyCheck(server: Server, result: MonitorCheckResult): void {
    if (this.closed || this.servers.get(server.address) !== server) return;
    this.setDescription(updateTopology(this.current, result.description), server.address);
    // Clear only after the server is Unknown, and mark ready only once it is known (spec order).
    if (result.error !== undefined) {
      server.pool.clear({ interruptInUseConnections: result.error instanceof MongoNetworkTimeoutError, cause: result.error });
    } else if (this.current.servers.get(server.address)?.type !== 'Unknown' && this.servers.get(server.address) === server) {
      server.pool.ready();
    }
  }

  private setDescription(next: TopologyDescription, changedAddress?: string): void {
    const previous = this.current;
    if (next === previous) return;
    this.current = next;
    this.publisher.changed(previous, next, changedAddress);
    this.syncServers();
    if (this.srvPoller !== undefined && !isSrvPollingTopology(next.type)) {
      this.track(this.srvPoller.stop());
      this.srvPoller = undefined;
    }
    this.notify();
  }

  /** One Server per address of the description: new ones start, removed ones close. */
  private syncServers(): void {
    if (this.state !== 'open') return;
    for (const [address, description] of this.current.servers) {
      const existing = this.servers.get(address);
      if (existing !== undefined) {
        existing.updateDescription(description);
        continue;
      }
      const server = this.createServer(address, description);
      this.servers.set(address, server);
      server.monitor?.start();
    }
    for (const [address, server] of this.servers) {
      if (this.current.servers.has(address)) continue;
      this.servers.delete(address);
      server.pool.close();
      if (server.monitor !== undefined) this.track(server.monitor.stop());
    }
  }

  private createServer(address: string, description: ServerDescription): Server {
    const { host, port } = parseHostPort(address);
    const options = { ...this.connectionOptions, host, port };
    const loadBalanced = this.current.type === 'LoadBalanced';
    const holder: { server?: Server } = {};
    const pool = new ConnectionPool<Connection>({
      address,
      options: { ...this.settings.pool, loadBalanced },
      connect: (request) => connect({ ...options, metadata: this.metadata }, { id: request.id, signal: request.signal }),
      events: this.settings.events,
      onBackgroundError: (error) => this.handleEstablishmentError(holder.server, error, pool.generation),
      onEstablishmentError: (error, generation) => this.handleEstablishmentError(holder.server, error, generation),
    });
    const monitor = loadBalanced
      ? undefined
      : new Monitor({
          topologyId: this.topologyId,
          address,
          // Monitoring connections never authenticate.
          connector: ({ signal, id }) => connect({ ...options, metadata: this.metadata, auth: undefined }, { id: id ?? this.nextMonitorConnectionId++, signal }),
          allocateConnectionId: () => this.nextMonitorConnectionId++,
          heartbeatFrequencyMS: this.current.heartbeatFrequencyMS,
          minHeartbeatFrequencyMS: this.settings.minHeartbeatFrequencyMS,
          connectTimeoutMS: options.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS,
          serverMonitoringMode: this.settings.serverMonitoringMode ?? 'auto',
          serverApi: options.serverApi,
          events: this.settings.events,
          env: this.settings.env,
          onCheck: (result) => {
            if (holder.server !== undefined) this.applyCheck(holder.server, result);
          },
        });
    // The pool and monitor callbacks need the Server, which needs them: tie the knot here.
    holder.server = new Server(address, description, pool, monitor, this);
    return holder.server;
  }

  private startSrvPolling(): void {
    const srv = this.settings.srv;
    if (srv === undefined || !isSrvPollingTopology(this.current.type)) return;
    this.srvPoller = new SrvPoller({
      ...srv,
      heartbeatFrequencyMS: this.current.heartbeatFrequencyMS,
      onHosts: (hosts) => this.applySrvHosts(hosts),
    });
    this.srvPoller.start();
  }

  private track(stopping: Promise<void>): void {
    const tracked = stopping.finally(() => this.closing.delete(tracked));
    this.closing.add(tracked);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
