// The Topology's configuration, and its derivation from a parsed connection string.
import { createAuthenticator } from '../auth/authenticator.js';
import type { ConnectionOptions } from '../connection/connect.js';
import type { ConnectionPoolOptions } from '../connection/pool/options.js';
import type { DnsResolver } from '../connection/srv/resolver.js';
import { hostAddressToString } from '../connection/uri/hosts.js';
import type { ParsedConnectionString } from '../connection/uri/types.js';
import { MongoParseError } from '../errors.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import type { MongoLogger } from '../monitoring/logger/index.js';
import type { ServerMonitoringMode } from './monitor/monitor-options.js';
import type { SrvPollingSettings } from './srv-polling.js';
import type { TopologyEventMap } from './topology-events.js';

export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Connection settings shared by pools and monitors (host and port come from each server's address). */
export type ServerConnectionOptions = Omit<ConnectionOptions, 'host' | 'port'>;

export interface TopologySettings {
  /** "host:port" seeds. */
  readonly seeds: readonly string[];
  readonly directConnection?: boolean;
  readonly loadBalanced?: boolean;
  readonly replicaSet?: string;
  /** Default 10000. */
  readonly heartbeatFrequencyMS?: number;
  /** Default 500 (the spec's constant; tests lower it to stay fast). */
  readonly minHeartbeatFrequencyMS?: number;
  /** Default 15. */
  readonly localThresholdMS?: number;
  /** Default 30000. */
  readonly serverSelectionTimeoutMS?: number;
  /** Monitor handshake/poll limit and the pools' connect limit; default 10000, 0 = none. */
  readonly connectTimeoutMS?: number;
  /** Default 'auto'. */
  readonly serverMonitoringMode?: ServerMonitoringMode;
  /** TLS, compression, appName, Stable API, auth hook … for every connection. */
  readonly connection?: ServerConnectionOptions;
  readonly pool?: ConnectionPoolOptions;
  /** mongodb+srv: rescan the SRV record while the topology is Unknown or Sharded. */
  readonly srv?: SrvPollingSettings;
  /** Receives SDAM, heartbeat and CMAP events. */
  readonly events?: EventTarget<TopologyEventMap>;
  /** The client's structured logger; SDAM and CMAP messages come from `events`, selection's from here. */
  readonly logger?: MongoLogger;
  /** Environment for FaaS detection (serverMonitoringMode auto); default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface SettingsExtras {
  readonly events?: EventTarget<TopologyEventMap>;
  readonly logger?: MongoLogger;
  /** The DNS seam for SRV polling (default node:dns). */
  readonly resolver?: DnsResolver;
  readonly connection?: Partial<ServerConnectionOptions>;
}

/** Topology settings for a parsed connection string (after its SRV lookup, if any). */
export function topologySettingsFrom(parsed: ParsedConnectionString, resolver: DnsResolver, extras: SettingsExtras = {}): TopologySettings {
  const seeds = parsed.hosts.map((host) => {
    if (host.type === 'unix') throw new MongoParseError(`UNIX domain socket ${host.path} is not supported by the topology yet`);
    return hostAddressToString(host);
  });
  const connection: ServerConnectionOptions = {
    tls: parsed.tls.enabled,
    tlsCAFile: parsed.tls.caFile,
    tlsCertificateKeyFile: parsed.tls.certificateKeyFile,
    tlsCertificateKeyFilePassword: parsed.tls.certificateKeyFilePassword,
    tlsAllowInvalidCertificates: parsed.tls.allowInvalidCertificates,
    tlsAllowInvalidHostnames: parsed.tls.allowInvalidHostnames,
    connectTimeoutMS: parsed.connectTimeoutMS,
    socketTimeoutMS: parsed.socketTimeoutMS,
    zlibCompressionLevel: parsed.zlibCompressionLevel,
    appName: parsed.appName,
    compressors: parsed.compressors,
    serverApi: parsed.serverApi,
    loadBalanced: parsed.loadBalanced,
    // Pool connections authenticate; the topology strips `auth` from monitoring connections.
    // CSOT "Background Connection Pooling": with a client timeoutMS, each authentication command
    // waits for its reply up to timeoutMS, afresh. The hello keeps connectTimeoutMS, as part of
    // establishing the connection: the spec's unified tests (command-execution.json) need a pool
    // connection whose hello is blocked past timeoutMS to be established all the same.
    auth:
      parsed.credentials === undefined
        ? undefined
        : createAuthenticator(parsed.credentials, { replyTimeoutMS: parsed.timeoutMS ?? parsed.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS }),
    ...extras.connection,
  };
  return {
    seeds,
    directConnection: parsed.directConnection,
    loadBalanced: parsed.loadBalanced,
    replicaSet: parsed.replicaSet,
    heartbeatFrequencyMS: parsed.heartbeatFrequencyMS,
    localThresholdMS: parsed.localThresholdMS,
    serverSelectionTimeoutMS: parsed.serverSelectionTimeoutMS,
    connectTimeoutMS: parsed.connectTimeoutMS,
    serverMonitoringMode: parsed.serverMonitoringMode,
    connection,
    pool: { ...parsed.pool, loadBalanced: parsed.loadBalanced },
    srv:
      parsed.isSrv && parsed.srvHost !== undefined
        ? { srvHost: parsed.srvHost, serviceName: parsed.srvServiceName, srvMaxHosts: parsed.srvMaxHosts, resolver }
        : undefined,
    events: extras.events,
    logger: extras.logger,
  };
}
