// Builds the typed client options from the collected option layers and the
// connection string's other parts, then checks the rules that span options.
import { buildCredentials, type MechanismPropertyValue } from '../../auth/credentials.js';
import { ReadConcern } from '../../concerns/read-concern.js';
import { ReadPreference, isReadPreferenceMode, type ReadPreferenceMode, type TagSet } from '../../concerns/read-preference.js';
import { WriteConcern, type WriteConcernOptions } from '../../concerns/write-concern.js';
import { MongoInvalidArgumentError, MongoParseError } from '../../errors.js';
import type { HostAddress } from './hosts.js';
import type { OptionLayer } from './collect.js';
import { optionDefinition } from './option-table.js';
import type { OptionValue } from './option-values.js';
import type { ClientOptionsInput, Compressor, DriverInfo, ParsedConnectionString, ServerApi, ServerMonitoringMode } from './types.js';

export interface BuildInput {
  isSrv: boolean;
  srvHost: string | undefined;
  /** For mongodb+srv before the SRV lookup: host-count rules wait for the real seed list. */
  hostsKnown: boolean;
  hosts: readonly HostAddress[];
  userInfoGiven: boolean;
  username: string | undefined;
  password: string | undefined;
  defaultDatabase: string | undefined;
  txt: OptionLayer;
  uri: OptionLayer;
  object: OptionLayer;
  input: ClientOptionsInput;
  warnings: string[];
}

const MAX_APP_NAME_BYTES = 128;
const TLS_CONFLICTS: readonly [string, string][] = [
  ['tlsInsecure', 'tlsAllowInvalidCertificates'],
  ['tlsInsecure', 'tlsAllowInvalidHostnames'],
  ['tlsInsecure', 'tlsDisableOCSPEndpointCheck'],
  ['tlsInsecure', 'tlsDisableCertificateRevocationCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableOCSPEndpointCheck'],
  ['tlsAllowInvalidCertificates', 'tlsDisableCertificateRevocationCheck'],
  ['tlsDisableOCSPEndpointCheck', 'tlsDisableCertificateRevocationCheck'],
];

export function buildClientOptions(b: BuildInput): ParsedConnectionString {
  const merged = mergeLayers(b.txt, b.uri, b.object);
  const get = (name: string): OptionValue | undefined => merged.get(name) ?? optionDefinition(name).default;
  const bool = (name: string): boolean => get(name) === true;
  const int = (name: string): number => {
    const v = get(name);
    if (typeof v !== 'number') throw new Error(`internal: option ${name} has no numeric default`);
    return v;
  };
  const optInt = (name: string): number | undefined => {
    const v = merged.get(name);
    return typeof v === 'number' ? v : undefined;
  };
  const str = (name: string): string | undefined => {
    const v = get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const has = (name: string): boolean => merged.has(name);

  checkTlsConflicts(has);
  const uriProperties = b.uri.get('authMechanismProperties');
  if (isRecord(uriProperties) && Object.keys(uriProperties).some((k) => k.toUpperCase() === 'ALLOWED_HOSTS')) {
    throw new MongoParseError('ALLOWED_HOSTS must not be given in the connection string; pass it in authMechanismProperties in code');
  }

  const loadBalanced = bool('loadBalanced');
  const directConnection = bool('directConnection');
  const replicaSet = str('replicaSet');
  const srvMaxHosts = int('srvMaxHosts');
  validateTopologyOptions(b, { loadBalanced, directConnection, replicaSet, srvMaxHosts, has });

  const srvServiceName = str('srvServiceName') ?? 'mongodb';
  if (!/^(?=.*[a-zA-Z])[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$/.test(srvServiceName) || srvServiceName.length > 62) {
    throw new MongoParseError(`invalid value for srvServiceName: ${JSON.stringify(srvServiceName)} is not a valid SRV service name (RFC 6335: letters, digits, single hyphens)`);
  }

  const appName = str('appName');
  if (appName !== undefined && Buffer.byteLength(appName, 'utf8') > MAX_APP_NAME_BYTES) {
    throw new MongoParseError(`invalid value for appName: it is ${Buffer.byteLength(appName, 'utf8')} bytes long; the limit is ${MAX_APP_NAME_BYTES}`);
  }

  const pool = Object.freeze({
    maxPoolSize: int('maxPoolSize'),
    minPoolSize: int('minPoolSize'),
    maxConnecting: int('maxConnecting'),
    maxIdleTimeMS: int('maxIdleTimeMS'),
    waitQueueTimeoutMS: int('waitQueueTimeoutMS'),
  });
  if (pool.maxPoolSize !== 0 && pool.minPoolSize > pool.maxPoolSize) {
    throw new MongoParseError(`invalid pool options: minPoolSize ${pool.minPoolSize} is greater than maxPoolSize ${pool.maxPoolSize}`);
  }

  const insecure = bool('tlsInsecure');
  const tls = Object.freeze({
    enabled: has('tls') ? bool('tls') : b.isSrv,
    caFile: str('tlsCAFile'),
    certificateKeyFile: str('tlsCertificateKeyFile'),
    certificateKeyFilePassword: str('tlsCertificateKeyFilePassword'),
    allowInvalidCertificates: insecure || bool('tlsAllowInvalidCertificates'),
    allowInvalidHostnames: insecure || bool('tlsAllowInvalidHostnames'),
    insecure,
    disableOCSPEndpointCheck: bool('tlsDisableOCSPEndpointCheck'),
    disableCertificateRevocationCheck: bool('tlsDisableCertificateRevocationCheck'),
  });

  const authSource = str('authSource');
  const auth = b.input.auth;
  const mechanismProperties = merged.get('authMechanismProperties');
  const credentials = asParseError(() =>
    buildCredentials({
      userInfoGiven: b.userInfoGiven || auth !== undefined,
      username: auth?.username ?? b.username,
      password: auth?.password ?? b.password,
      authSource,
      defaultDatabase: b.defaultDatabase,
      mechanism: str('authMechanism'),
      mechanismProperties: isRecord(mechanismProperties) ? mechanismProperties : undefined,
    }),
  );

  const compressors = get('compressors');
  const options: ParsedConnectionString = {
    isSrv: b.isSrv,
    hosts: Object.freeze([...b.hosts]),
    srvHost: b.srvHost,
    srvServiceName,
    srvMaxHosts,
    defaultDatabase: b.defaultDatabase,
    credentials,
    authSource,
    readPreference: asParseError(() => buildReadPreference(b.input, merged)),
    readConcern: asParseError(() => buildReadConcern(b.input, str('readConcernLevel'))),
    writeConcern: asParseError(() => buildWriteConcern(b.input, merged)),
    tls,
    pool,
    proxy: buildProxy(str('proxyHost'), int('proxyPort'), str('proxyUsername'), str('proxyPassword'), has),
    appName,
    driverInfo: validateDriverInfo(b.input.driverInfo),
    serverApi: validateServerApi(b.input.serverApi),
    compressors: Object.freeze(Array.isArray(compressors) ? ([...compressors] as Compressor[]) : []),
    zlibCompressionLevel: int('zlibCompressionLevel'),
    connectTimeoutMS: int('connectTimeoutMS'),
    socketTimeoutMS: int('socketTimeoutMS'),
    timeoutMS: optInt('timeoutMS'),
    serverSelectionTimeoutMS: int('serverSelectionTimeoutMS'),
    serverSelectionTryOnce: bool('serverSelectionTryOnce'),
    heartbeatFrequencyMS: int('heartbeatFrequencyMS'),
    localThresholdMS: int('localThresholdMS'),
    serverMonitoringMode: (str('serverMonitoringMode') ?? 'auto') as ServerMonitoringMode,
    retryReads: bool('retryReads'),
    retryWrites: bool('retryWrites'),
    loadBalanced,
    directConnection,
    replicaSet,
    maxAdaptiveRetries: int('maxAdaptiveRetries'),
    enableOverloadRetargeting: bool('enableOverloadRetargeting'),
    specifiedOptions: Object.freeze([...merged.keys()].sort()),
    warnings: Object.freeze([...b.warnings]),
  };
  return Object.freeze(options);
}

/** TXT < connection string < options object; mechanism properties merge key by key. */
function mergeLayers(...layers: OptionLayer[]): OptionLayer {
  const merged: OptionLayer = new Map();
  for (const layer of layers) {
    for (const [name, value] of layer) {
      const before = merged.get(name);
      if (name === 'authMechanismProperties' && isRecord(before) && isRecord(value)) merged.set(name, { ...before, ...value });
      else merged.set(name, value);
    }
  }
  return merged;
}

function checkTlsConflicts(has: (name: string) => boolean): void {
  for (const [a, b] of TLS_CONFLICTS) {
    if (has(a) && has(b)) throw new MongoParseError(`options ${a} and ${b} cannot be given together (uri-options spec: conflicting TLS options)`);
  }
}

interface TopologyFacts {
  loadBalanced: boolean;
  directConnection: boolean;
  replicaSet: string | undefined;
  srvMaxHosts: number;
  has: (name: string) => boolean;
}

function validateTopologyOptions(b: BuildInput, t: TopologyFacts): void {
  if (!b.isSrv) {
    for (const name of ['srvMaxHosts', 'srvServiceName']) {
      if (t.has(name)) throw new MongoParseError(`option ${name} is only valid with a mongodb+srv connection string`);
    }
  }
  if (t.directConnection) {
    if (b.isSrv) throw new MongoParseError('directConnection=true cannot be used with a mongodb+srv connection string (it may resolve to several hosts)');
    if (b.hosts.length > 1) throw new MongoParseError(`directConnection=true requires exactly one host, got ${b.hosts.length}`);
  }
  if (t.loadBalanced) {
    if (b.hostsKnown && b.hosts.length > 1) throw new MongoParseError(`loadBalanced=true requires exactly one host, got ${b.hosts.length}`);
    if (t.replicaSet !== undefined) throw new MongoParseError('loadBalanced=true cannot be combined with replicaSet');
    if (t.directConnection) throw new MongoParseError('loadBalanced=true cannot be combined with directConnection=true');
  }
  if (t.srvMaxHosts > 0) {
    if (t.replicaSet !== undefined) throw new MongoParseError('a positive srvMaxHosts cannot be combined with replicaSet');
    if (t.loadBalanced) throw new MongoParseError('a positive srvMaxHosts cannot be combined with loadBalanced=true');
  }
}

function buildReadPreference(input: ClientOptionsInput, merged: OptionLayer): ReadPreference {
  const given = input.readPreference;
  if (given !== undefined && typeof given !== 'string') return ReadPreference.from(given);
  const mode = given ?? merged.get('readPreference') ?? 'primary';
  if (!isReadPreferenceMode(mode)) throw new MongoInvalidArgumentError(`invalid value for readPreference: ${JSON.stringify(mode)}`);
  const tags = merged.get('readPreferenceTags');
  const staleness = merged.get('maxStalenessSeconds');
  return new ReadPreference(mode as ReadPreferenceMode, {
    tags: Array.isArray(tags) ? (tags as TagSet[]) : undefined,
    maxStalenessSeconds: typeof staleness === 'number' ? staleness : undefined,
  });
}

function buildReadConcern(input: ClientOptionsInput, level: string | undefined): ReadConcern {
  const given = input.readConcern;
  if (given instanceof ReadConcern) return given;
  if (given !== undefined) return new ReadConcern(given.level);
  return level === undefined ? ReadConcern.serverDefault : new ReadConcern(level);
}

function buildWriteConcern(input: ClientOptionsInput, merged: OptionLayer): WriteConcern {
  const fromOptions: WriteConcernOptions = {};
  const w = merged.get('w');
  if (typeof w === 'number' || typeof w === 'string') fromOptions.w = w;
  const journal = merged.get('journal');
  if (typeof journal === 'boolean') fromOptions.journal = journal;
  const wtimeoutMS = merged.get('wTimeoutMS');
  if (typeof wtimeoutMS === 'number') fromOptions.wtimeoutMS = wtimeoutMS;
  const given = input.writeConcern;
  if (given !== undefined) {
    const { w: gw, journal: gj, wtimeoutMS: gt } = given;
    if (gw !== undefined) fromOptions.w = gw;
    if (gj !== undefined) fromOptions.journal = gj;
    if (gt !== undefined) fromOptions.wtimeoutMS = gt;
  }
  return Object.keys(fromOptions).length === 0 ? WriteConcern.serverDefault : new WriteConcern(fromOptions);
}

function buildProxy(
  host: string | undefined,
  port: number,
  username: string | undefined,
  password: string | undefined,
  has: (name: string) => boolean,
): ParsedConnectionString['proxy'] {
  if (host === undefined) {
    const stray = ['proxyPort', 'proxyUsername', 'proxyPassword'].filter(has);
    if (stray.length > 0) throw new MongoParseError(`${stray.join(', ')} given without proxyHost`);
    return undefined;
  }
  if ((username === undefined) !== (password === undefined)) {
    throw new MongoParseError('proxyUsername and proxyPassword must be given together');
  }
  return Object.freeze({ host, port, username, password });
}

/** Checks a driverInfo object (client option or appendMetadata argument): every field a string. */
export function validateDriverInfo(info: DriverInfo | undefined): DriverInfo | undefined {
  if (info === undefined) return undefined;
  if (typeof info !== 'object' || info === null) throw new MongoInvalidArgumentError('driverInfo must be an object { name?, version?, platform? }');
  for (const key of ['name', 'version', 'platform'] as const) {
    const v: unknown = info[key];
    if (v !== undefined && typeof v !== 'string') throw new MongoInvalidArgumentError(`driverInfo.${key} must be a string`);
  }
  return Object.freeze({ ...info });
}

function validateServerApi(api: ServerApi | '1' | undefined): ServerApi | undefined {
  if (api === undefined) return undefined;
  if (api === '1') return Object.freeze({ version: '1' });
  if (typeof api !== 'object' || api === null || api.version !== '1') {
    throw new MongoInvalidArgumentError(`serverApi.version must be '1', got ${JSON.stringify(typeof api === 'object' && api !== null ? api.version : api)}`);
  }
  for (const key of ['strict', 'deprecationErrors'] as const) {
    const v: unknown = api[key];
    if (v !== undefined && typeof v !== 'boolean') throw new MongoInvalidArgumentError(`serverApi.${key} must be a boolean`);
  }
  return Object.freeze({ ...api });
}

function isRecord(value: unknown): value is Readonly<Record<string, MechanismPropertyValue>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Value-object validation throws MongoInvalidArgumentError; here the problem is in the connection options. */
function asParseError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof MongoInvalidArgumentError) throw new MongoParseError(`invalid connection options: ${error.message}`, { cause: error });
    throw error;
  }
}
