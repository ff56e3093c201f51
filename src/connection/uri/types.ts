// The typed, frozen result of parsing a connection string plus options.
import type { MechanismPropertyValue, MongoCredentials } from '../../auth/credentials.js';
import type { ReadConcern, ReadConcernLevel } from '../../concerns/read-concern.js';
import type { ReadPreference, ReadPreferenceMode, TagSet } from '../../concerns/read-preference.js';
import type { WriteConcern, WriteConcernOptions } from '../../concerns/write-concern.js';
import type { HostAddress } from './hosts.js';

export type Compressor = 'snappy' | 'zlib' | 'zstd';
export type ServerMonitoringMode = 'stream' | 'poll' | 'auto';

export interface TlsOptions {
  /** Default: false, or true for mongodb+srv. */
  readonly enabled: boolean;
  readonly caFile: string | undefined;
  readonly certificateKeyFile: string | undefined;
  readonly certificateKeyFilePassword: string | undefined;
  /** true when tlsAllowInvalidCertificates or tlsInsecure is true. */
  readonly allowInvalidCertificates: boolean;
  /** true when tlsAllowInvalidHostnames or tlsInsecure is true. */
  readonly allowInvalidHostnames: boolean;
  /** tlsInsecure as given: relaxes certificate and hostname checks. */
  readonly insecure: boolean;
  readonly disableOCSPEndpointCheck: boolean;
  readonly disableCertificateRevocationCheck: boolean;
}

export interface PoolOptions {
  /** Default 100; 0 means no maximum. */
  readonly maxPoolSize: number;
  /** Default 0. */
  readonly minPoolSize: number;
  /** Default 2. */
  readonly maxConnecting: number;
  /** Default 0 (no limit). */
  readonly maxIdleTimeMS: number;
  /** Default 0 (no limit; deprecated in favour of timeoutMS). */
  readonly waitQueueTimeoutMS: number;
}

export interface ProxyOptions {
  readonly host: string;
  /** Default 1080. */
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

export interface DriverInfo {
  readonly name?: string;
  readonly version?: string;
  readonly platform?: string;
}

export interface ServerApi {
  readonly version: '1';
  readonly strict?: boolean;
  readonly deprecationErrors?: boolean;
}

/** Everything a client needs from its connection string and options. Frozen. */
export interface ParsedConnectionString {
  readonly isSrv: boolean;
  /** Seeds; empty for mongodb+srv until the SRV lookup (parseConnectionStringWithSrv) fills it. */
  readonly hosts: readonly HostAddress[];
  /** The mongodb+srv host name, lower-cased. */
  readonly srvHost: string | undefined;
  /** Default 'mongodb'. */
  readonly srvServiceName: string;
  /** Default 0 (no limit). */
  readonly srvMaxHosts: number;
  /** The database in the URI path. */
  readonly defaultDatabase: string | undefined;
  /** undefined when no authentication was configured. */
  readonly credentials: MongoCredentials | undefined;
  /** The authSource option as given (also the credentials' source when credentials exist). */
  readonly authSource: string | undefined;
  readonly readPreference: ReadPreference;
  readonly readConcern: ReadConcern;
  readonly writeConcern: WriteConcern;
  readonly tls: TlsOptions;
  readonly pool: PoolOptions;
  readonly proxy: ProxyOptions | undefined;
  readonly appName: string | undefined;
  readonly driverInfo: DriverInfo | undefined;
  readonly serverApi: ServerApi | undefined;
  /** In preference order; default none. */
  readonly compressors: readonly Compressor[];
  /** -1 (zlib default) to 9; default -1. */
  readonly zlibCompressionLevel: number;
  /** Default 10000; 0 means no timeout. */
  readonly connectTimeoutMS: number;
  /** Default 0 (no timeout). */
  readonly socketTimeoutMS: number;
  /** Client-side operation timeout; undefined when not set, 0 means no timeout. */
  readonly timeoutMS: number | undefined;
  /** Default 30000. */
  readonly serverSelectionTimeoutMS: number;
  /** Accepted for portability (single-threaded drivers); default false. */
  readonly serverSelectionTryOnce: boolean;
  /** Default 10000, at least 500. */
  readonly heartbeatFrequencyMS: number;
  /** Default 15. */
  readonly localThresholdMS: number;
  /** Default 'auto'. */
  readonly serverMonitoringMode: ServerMonitoringMode;
  /** Default true. */
  readonly retryReads: boolean;
  /** Default true. */
  readonly retryWrites: boolean;
  /** Default false. */
  readonly loadBalanced: boolean;
  /** Default false. */
  readonly directConnection: boolean;
  readonly replicaSet: string | undefined;
  /** Client backpressure: default 2. */
  readonly maxAdaptiveRetries: number;
  /** Client backpressure: default false. */
  readonly enableOverloadRetargeting: boolean;
  /** Canonical names of the options that were set explicitly (any source). */
  readonly specifiedOptions: readonly string[];
  /** Unknown options, ignored invalid values, deprecated names, repeats. Never logged by the parser. */
  readonly warnings: readonly string[];
}

/** Options given in code; names as in the connection string (matched case-insensitively). They override the URI. */
export interface ClientOptionsInput {
  appName?: string;
  authMechanism?: string;
  authMechanismProperties?: Readonly<Record<string, MechanismPropertyValue>>;
  authSource?: string;
  auth?: { username?: string; password?: string };
  compressors?: readonly string[] | string;
  connectTimeoutMS?: number;
  directConnection?: boolean;
  driverInfo?: DriverInfo;
  enableOverloadRetargeting?: boolean;
  heartbeatFrequencyMS?: number;
  journal?: boolean;
  loadBalanced?: boolean;
  localThresholdMS?: number;
  maxAdaptiveRetries?: number;
  maxConnecting?: number;
  maxIdleTimeMS?: number;
  maxPoolSize?: number;
  maxStalenessSeconds?: number;
  minPoolSize?: number;
  proxyHost?: string;
  proxyPassword?: string;
  proxyPort?: number;
  proxyUsername?: string;
  readConcern?: { level?: ReadConcernLevel } | ReadConcern;
  readConcernLevel?: ReadConcernLevel;
  readPreference?: ReadPreferenceMode | ReadPreference | { mode: ReadPreferenceMode; tags?: readonly TagSet[]; maxStalenessSeconds?: number };
  readPreferenceTags?: readonly TagSet[];
  replicaSet?: string;
  retryReads?: boolean;
  retryWrites?: boolean;
  serverApi?: ServerApi | '1';
  serverMonitoringMode?: ServerMonitoringMode;
  serverSelectionTimeoutMS?: number;
  serverSelectionTryOnce?: boolean;
  socketTimeoutMS?: number;
  srvMaxHosts?: number;
  srvServiceName?: string;
  timeoutMS?: number;
  tls?: boolean;
  ssl?: boolean;
  tlsAllowInvalidCertificates?: boolean;
  tlsAllowInvalidHostnames?: boolean;
  tlsCAFile?: string;
  tlsCertificateKeyFile?: string;
  tlsCertificateKeyFilePassword?: string;
  tlsDisableCertificateRevocationCheck?: boolean;
  tlsDisableOCSPEndpointCheck?: boolean;
  tlsInsecure?: boolean;
  w?: number | string;
  waitQueueTimeoutMS?: number;
  writeConcern?: WriteConcernOptions | WriteConcern;
  wTimeoutMS?: number;
  zlibCompressionLevel?: number;
}
