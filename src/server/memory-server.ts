// MemoryServer: the embedded server's programmatic entry point.
//   const server = await MemoryServer.start();   // 127.0.0.1, ephemeral port
//   new MongoClient(server.uri) ...; await server.stop();
// A server is one node (server-node.ts), or several for a multi-member replica set
// (start-members.ts) or a sharded cluster (start-cluster.ts); this class starts them, names them
// in uris and stops them together.
import { ObjectId } from '../bson.js';
import type { RegisterOptions } from './command-registry.js';
import {
  checkModeFlags,
  defaultOnError,
  memberCountFrom,
  ttlIntervalFrom,
  validatedOptions,
  type MemoryServerOptions,
} from './memory-server-options.js';
import { ReplicaSetState } from './replication/replica-set.js';
import { securityFrom } from './seed-users.js';
import { hostString, type LoadBalancerState, type ServerAddress } from './server-runtime.js';
import { ServerNode } from './server-node.js';
import { startCluster } from './start-cluster.js';
import { startMembers } from './start-members.js';
import { listenAll } from './start-nodes.js';
import { ttlMonitorOf } from './storage/ttl-monitor.js';
import type { CommandHandler } from './types.js';

export type { MemoryServerOptions, MemoryServerUser, ServerErrorEvent } from './memory-server-options.js';

/** The nodes beside the first, and what the deployment is. */
interface Deployment {
  readonly replication?: ReplicaSetState;
  readonly loadBalancer?: LoadBalancerState;
  /** Members 1..N-1 of a multi-member replica set (the first node is member 0). */
  readonly peers?: readonly ServerNode[];
  /** Sharded mode: the cluster's second mongos (the first node is the first mongos). */
  readonly secondMongos?: ServerNode;
}

/** Adds tls=true to a server uri when the server speaks TLS. */
function withTlsParameter(uri: string, tls: boolean): string {
  if (!tls) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}tls=true`;
}

export class MemoryServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    /** The only node, member 0 of a replica set, or the first mongos. */
    private readonly node: ServerNode,
    private readonly deployment: Deployment,
  ) {}

  /** Starts a server and resolves once it is listening. */
  static async start(options: MemoryServerOptions = {}): Promise<MemoryServer> {
    const { host, port } = validatedOptions(options);
    const ttlInterval = ttlIntervalFrom(options);
    const replication = options.replSet === undefined ? undefined : new ReplicaSetState(options.replSet);
    checkModeFlags(options);
    const onError = options.onError ?? defaultOnError;
    const server = await MemoryServer.startNodes(host, port, options, replication, onError);
    ttlMonitorOf(server.node.runtime.storage).start(ttlInterval);
    return server;
  }

  private static async startNodes(
    host: string,
    port: number,
    options: MemoryServerOptions,
    replication: ReplicaSetState | undefined,
    onError: NonNullable<MemoryServerOptions['onError']>,
  ): Promise<MemoryServer> {
    if (options.sharded === true) {
      const cluster = await startCluster({ host, port, options, onError, security: securityFrom(options) });
      const [first, second] = cluster.routers;
      return new MemoryServer(first, { replication: cluster.replication, secondMongos: second });
    }
    const memberCount = memberCountFrom(options);
    if (replication !== undefined && memberCount > 1) {
      const [first, ...peers] = await startMembers({ host, port, count: memberCount, options, replication, onError, security: securityFrom(options) });
      return new MemoryServer(first, { replication, peers });
    }
    const loadBalancer: LoadBalancerState | undefined = options.loadBalanced === true ? { serviceIds: [new ObjectId(), new ObjectId()] } : undefined;
    const node = new ServerNode({ host, onError, security: securityFrom(options), ...(replication !== undefined ? { replication } : {}), ...(loadBalancer !== undefined ? { loadBalancer } : {}) });
    await listenAll([node], port, options);
    return new MemoryServer(node, { ...(replication !== undefined ? { replication } : {}), ...(loadBalancer !== undefined ? { loadBalancer } : {}) });
  }

  /** Every node: this one first, then the other members or the second mongos. */
  private get nodes(): ServerNode[] {
    return [this.node, ...(this.deployment.peers ?? []), ...(this.deployment.secondMongos !== undefined ? [this.deployment.secondMongos] : [])];
  }

  get port(): number {
    return this.node.address.port;
  }

  get address(): ServerAddress {
    return this.node.address;
  }

  /**
   * "mongodb://127.0.0.1:PORT/", "mongodb://127.0.0.1:PORT/?replicaSet=NAME" in replica-set mode,
   * "mongodb://127.0.0.1:PORT/?loadBalanced=true" behind the load balancer (which hides the set),
   * "mongodb://127.0.0.1:PORT/" naming the first mongos in sharded mode.
   */
  get uri(): string {
    return withTlsParameter(this.uriWithoutTls, this.node.tlsEnabled);
  }

  private get uriWithoutTls(): string {
    const base = `mongodb://${this.memberAddresses.map(hostString).join(',')}/`;
    const { replication, loadBalancer, secondMongos } = this.deployment;
    if (secondMongos !== undefined) return base;
    if (loadBalancer !== undefined) return `${base}?loadBalanced=true`;
    return replication === undefined ? base : `${base}?replicaSet=${encodeURIComponent(replication.setName)}`;
  }

  /** The services behind the balancers, when started with `loadBalanced` (`uri` reaches the first only). */
  get serviceIds(): readonly ObjectId[] {
    return this.deployment.loadBalancer?.serviceIds ?? [];
  }

  /** Load-balanced mode: the uri of the balancer fronting two services; undefined otherwise. */
  get multiServiceUri(): string | undefined {
    const balancer = this.node.multiServiceAddress;
    if (balancer === undefined) return undefined;
    return withTlsParameter(`mongodb://${hostString(balancer)}/?loadBalanced=true`, this.node.tlsEnabled);
  }

  /** Sharded mode: the uri naming both mongoses ("mongodb://h:p1,h:p2/"); undefined otherwise. */
  get multiMongosUri(): string | undefined {
    const second = this.deployment.secondMongos;
    if (second === undefined) return undefined;
    return withTlsParameter(`mongodb://${hostString(this.address)},${hostString(second.address)}/`, this.node.tlsEnabled);
  }

  /** Every member's address, member 0 (this server's `address`) first; just `address` unless started with `members` > 1. */
  get memberAddresses(): ServerAddress[] {
    return [this.address, ...(this.deployment.peers ?? []).map((peer) => peer.address)];
  }

  /** The replica set's name, when started with `replSet` (undefined in sharded mode: the shard's set is hidden). */
  get replicaSetName(): string | undefined {
    return this.deployment.secondMongos !== undefined ? undefined : this.deployment.replication?.setName;
  }

  /** Adds a command (or replaces one, with { replace: true }) on every node; any MongoDB driver or shell can then run it. */
  registerCommand(handler: CommandHandler, options?: RegisterOptions): void {
    for (const node of this.nodes) node.registerCommand(handler, options);
  }

  /** Signals a topology change: awaitable hellos reply at once with the new topologyVersion. */
  bumpTopologyVersion(): void {
    for (const node of this.nodes) node.runtime.topology.bump();
  }

  /** Closes the listeners and every connection, drops all cursors and sessions. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      ttlMonitorOf(this.node.runtime.storage).stop();
      this.deployment.replication?.members?.stop();
      for (const node of this.nodes) await node.close();
      this.node.runtime.localSessions.clear();
      this.deployment.replication?.clear();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
