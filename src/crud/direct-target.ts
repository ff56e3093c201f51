// The single-server path: one address, one pool, no monitoring. Used when the
// connection string names one host (and as the stand-in until the Topology exists).
// The server's type comes from the handshake of the first connection.
import type { Connection } from '../connection/connection.js';
import { connectionFactory, type ConnectionOptions } from '../connection/connect.js';
import { ConnectionPool } from '../connection/pool/pool.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { hostAddressToString } from '../connection/uri/hosts.js';
import type { ParsedConnectionString } from '../connection/uri/types.js';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoParseError, MongoTopologyClosedError } from '../errors.js';
import type { CmapEventMap } from '../monitoring/cmap-events.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import { serverTypeFromHello } from '../sdam/server-description.js';
import type { ConnectionHandle, OperationTarget, ServerHandle, ServerTypeName, TopologyTypeName } from './target.js';

interface MutableDescription {
  type: ServerTypeName;
  maxWireVersion: number;
  logicalSessionTimeoutMinutes: number | null;
}

class DirectServer implements ServerHandle {
  readonly description: MutableDescription = { type: 'Unknown', maxWireVersion: 0, logicalSessionTimeoutMinutes: null };

  constructor(
    readonly address: string,
    readonly pool: ConnectionPool<Connection>,
  ) {}

  async checkOut(ctx: TimeoutContext): Promise<ConnectionHandle> {
    const connection = await this.pool.checkOut({ timeout: ctx });
    if (this.description.type === 'Unknown' && connection.description !== undefined) {
      const hello = connection.description.hello;
      this.description.type = connection.description.serviceId !== undefined ? 'LoadBalancer' : serverTypeFromHello({ ok: 1, ...hello });
      this.description.maxWireVersion = connection.description.maxWireVersion;
      this.description.logicalSessionTimeoutMinutes = connection.description.logicalSessionTimeoutMinutes ?? null;
    }
    return connection as ConnectionHandle;
  }

  checkIn(connection: ConnectionHandle): void {
    this.pool.checkIn(connection as Connection);
  }

  /** Without a monitor, a network error clears the pool and makes it usable again at once. */
  handleError(error: unknown): void {
    if (error instanceof MongoNetworkError && !(error instanceof MongoNetworkTimeoutError)) {
      this.pool.clear({ cause: error });
      this.pool.ready();
      this.description.type = 'Unknown';
    }
  }
}

export class DirectTarget implements OperationTarget {
  private server: DirectServer | undefined;
  private isClosed = false;

  constructor(
    private readonly settings: ParsedConnectionString,
    private readonly events?: EventTarget<CmapEventMap>,
  ) {
    if (settings.isSrv) throw new MongoParseError('mongodb+srv connection strings need the Topology (SRV resolution); the direct target cannot use them');
    if (settings.hosts.length === 0) throw new MongoParseError('connection string names no host');
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get topologyType(): TopologyTypeName {
    return this.settings.loadBalanced ? 'LoadBalanced' : 'Single';
  }

  async connect(): Promise<void> {
    this.ensureServer();
  }

  async selectServer(): Promise<ServerHandle> {
    return this.ensureServer();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.server?.pool.close();
  }

  private ensureServer(): DirectServer {
    if (this.isClosed) throw new MongoTopologyClosedError('the client is closed');
    if (this.server !== undefined) return this.server;
    const s = this.settings;
    const seed = s.hosts[0];
    if (seed.type === 'unix') throw new MongoParseError('the direct target does not support unix domain sockets yet');
    const { host, port } = seed;
    const address = hostAddressToString(seed);
    const options: ConnectionOptions = {
      host,
      port,
      tls: s.tls.enabled,
      tlsCAFile: s.tls.caFile,
      tlsCertificateKeyFile: s.tls.certificateKeyFile,
      tlsCertificateKeyFilePassword: s.tls.certificateKeyFilePassword,
      tlsAllowInvalidCertificates: s.tls.allowInvalidCertificates,
      tlsAllowInvalidHostnames: s.tls.allowInvalidHostnames,
      connectTimeoutMS: s.connectTimeoutMS,
      socketTimeoutMS: s.socketTimeoutMS,
      zlibCompressionLevel: s.zlibCompressionLevel,
      appName: s.appName,
      compressors: s.compressors,
      serverApi: s.serverApi,
      loadBalanced: s.loadBalanced,
    };
    const pool = new ConnectionPool<Connection>({ address, options: s.pool, connect: connectionFactory(options), events: this.events });
    pool.ready();
    this.server = new DirectServer(address, pool);
    return this.server;
  }
}
