// Reads a parsed client-options value back under connection-string option names,
// so spec tests ("options": { "w": 1, "readPreferenceTags": [...] }) can be compared
// against the TYPED result rather than against a copy of the raw input.
import type { ParsedConnectionString } from '../../src/connection/uri/types.js';

type View = (o: ParsedConnectionString) => unknown;

const VIEWS: Record<string, View> = {
  appname: (o) => o.appName,
  authmechanism: (o) => o.credentials?.mechanism,
  authmechanismproperties: (o) => o.credentials?.mechanismProperties,
  authsource: (o) => o.authSource,
  compressors: (o) => o.compressors,
  connecttimeoutms: (o) => o.connectTimeoutMS,
  directconnection: (o) => o.directConnection,
  enableoverloadretargeting: (o) => o.enableOverloadRetargeting,
  heartbeatfrequencyms: (o) => o.heartbeatFrequencyMS,
  journal: (o) => o.writeConcern.journal,
  loadbalanced: (o) => o.loadBalanced,
  localthresholdms: (o) => o.localThresholdMS,
  maxadaptiveretries: (o) => o.maxAdaptiveRetries,
  maxconnecting: (o) => o.pool.maxConnecting,
  maxidletimems: (o) => o.pool.maxIdleTimeMS,
  maxpoolsize: (o) => o.pool.maxPoolSize,
  maxstalenessseconds: (o) => o.readPreference.maxStalenessSeconds,
  minpoolsize: (o) => o.pool.minPoolSize,
  proxyhost: (o) => o.proxy?.host,
  proxyport: (o) => o.proxy?.port,
  proxyusername: (o) => o.proxy?.username,
  proxypassword: (o) => o.proxy?.password,
  readconcernlevel: (o) => o.readConcern.level,
  readpreference: (o) => o.readPreference.mode,
  readpreferencetags: (o) => o.readPreference.tags,
  replicaset: (o) => o.replicaSet,
  retryreads: (o) => o.retryReads,
  retrywrites: (o) => o.retryWrites,
  servermonitoringmode: (o) => o.serverMonitoringMode,
  serverselectiontimeoutms: (o) => o.serverSelectionTimeoutMS,
  serverselectiontryonce: (o) => o.serverSelectionTryOnce,
  sockettimeoutms: (o) => o.socketTimeoutMS,
  srvmaxhosts: (o) => o.srvMaxHosts,
  srvservicename: (o) => o.srvServiceName,
  ssl: (o) => o.tls.enabled,
  timeoutms: (o) => o.timeoutMS,
  tls: (o) => o.tls.enabled,
  tlsallowinvalidcertificates: (o) => o.tls.allowInvalidCertificates,
  tlsallowinvalidhostnames: (o) => o.tls.allowInvalidHostnames,
  tlscafile: (o) => o.tls.caFile,
  tlscertificatekeyfile: (o) => o.tls.certificateKeyFile,
  tlscertificatekeyfilepassword: (o) => o.tls.certificateKeyFilePassword,
  tlsdisablecertificaterevocationcheck: (o) => o.tls.disableCertificateRevocationCheck,
  tlsdisableocspendpointcheck: (o) => o.tls.disableOCSPEndpointCheck,
  tlsinsecure: (o) => o.tls.insecure,
  w: (o) => o.writeConcern.w,
  waitqueuetimeoutms: (o) => o.pool.waitQueueTimeoutMS,
  wtimeoutms: (o) => o.writeConcern.wtimeoutMS,
  zlibcompressionlevel: (o) => o.zlibCompressionLevel,
};

/** The parsed value of a connection-string option (name matched case-insensitively). Throws for names we do not map. */
export function optionValue(options: ParsedConnectionString, name: string): unknown {
  const view = VIEWS[name.toLowerCase()];
  if (!view) throw new Error(`no view for option ${name}: add it to test/support/uri-option-view.ts`);
  return view(options);
}

/** Every expected option, read back from the typed result (for toEqual on the whole map). */
export function optionsView(options: ParsedConnectionString, expected: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(expected).map((name) => [name, optionValue(options, name)]));
}
