// THE table of connection options (uri-options spec plus a few driver options).
// Every key a connection string, TXT record or options object may carry is here,
// with its type, range, default and how repeats and aliases behave.

export type OptionKind =
  | 'boolean'
  | 'int'
  | 'string'
  | 'enum'
  /** Comma-separated list of strings (compressors). */
  | 'list'
  /** Comma-separated key:value pairs (authMechanismProperties). */
  | 'keyValue'
  /** Repeatable key:value pairs, each instance one tag set (readPreferenceTags). */
  | 'tagSets'
  /** A non-negative integer or a string (write concern w). */
  | 'w';

/** How a key given more than once in one source behaves. */
export type RepeatRule = 'warn-last-wins' | 'error' | 'same-or-error' | 'append';

export interface OptionDefinition {
  /** Canonical camelCase name; lookup is case-insensitive. */
  readonly name: string;
  readonly kind: OptionKind;
  readonly min?: number;
  readonly max?: number;
  /** Extra accepted value besides the range (maxStalenessSeconds: -1). */
  readonly also?: number;
  readonly values?: readonly string[];
  readonly default?: boolean | number | string | readonly string[];
  readonly repeat?: RepeatRule;
  /** An out-of-range number is an error instead of a warning (the write concern's own validation). */
  readonly rangeIsError?: boolean;
  /** An empty value is an error instead of being ignored with a warning. */
  readonly emptyIsError?: boolean;
  /** Only valid with mongodb+srv. */
  readonly srvOnly?: boolean;
}

const INT32_MAX = 2 ** 31 - 1;

export const OPTION_TABLE: readonly OptionDefinition[] = [
  { name: 'appName', kind: 'string' },
  { name: 'authMechanism', kind: 'string' },
  { name: 'authMechanismProperties', kind: 'keyValue' },
  { name: 'authSource', kind: 'string', emptyIsError: true },
  { name: 'compressors', kind: 'list', values: ['snappy', 'zlib', 'zstd'], default: [] },
  { name: 'connectTimeoutMS', kind: 'int', min: 0, max: INT32_MAX, default: 10_000 },
  { name: 'directConnection', kind: 'boolean', default: false },
  { name: 'enableOverloadRetargeting', kind: 'boolean', default: false },
  { name: 'heartbeatFrequencyMS', kind: 'int', min: 500, max: INT32_MAX, default: 10_000 },
  { name: 'journal', kind: 'boolean' },
  { name: 'loadBalanced', kind: 'boolean', default: false },
  { name: 'localThresholdMS', kind: 'int', min: 0, max: INT32_MAX, default: 15 },
  { name: 'maxAdaptiveRetries', kind: 'int', min: 0, max: INT32_MAX, default: 2 },
  { name: 'maxConnecting', kind: 'int', min: 1, max: INT32_MAX, default: 2 },
  { name: 'maxIdleTimeMS', kind: 'int', min: 0, max: INT32_MAX, default: 0 },
  { name: 'maxPoolSize', kind: 'int', min: 0, max: INT32_MAX, default: 100 },
  { name: 'maxStalenessSeconds', kind: 'int', min: 0, max: INT32_MAX, also: -1 },
  { name: 'minPoolSize', kind: 'int', min: 0, max: INT32_MAX, default: 0 },
  { name: 'proxyHost', kind: 'string', repeat: 'error' },
  { name: 'proxyPassword', kind: 'string', repeat: 'error' },
  { name: 'proxyPort', kind: 'int', min: 0, max: 65535, repeat: 'error', default: 1080 },
  { name: 'proxyUsername', kind: 'string', repeat: 'error' },
  { name: 'readConcernLevel', kind: 'string' },
  { name: 'readPreference', kind: 'enum', values: ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'], default: 'primary' },
  { name: 'readPreferenceTags', kind: 'tagSets', repeat: 'append' },
  { name: 'replicaSet', kind: 'string' },
  { name: 'retryReads', kind: 'boolean', default: true },
  { name: 'retryWrites', kind: 'boolean', default: true },
  { name: 'serverMonitoringMode', kind: 'enum', values: ['stream', 'poll', 'auto'], default: 'auto' },
  { name: 'serverSelectionTimeoutMS', kind: 'int', min: 1, max: INT32_MAX, default: 30_000 },
  // Single-threaded drivers' option; accepted for portable connection strings, it changes nothing here.
  { name: 'serverSelectionTryOnce', kind: 'boolean', default: false },
  { name: 'socketTimeoutMS', kind: 'int', min: 0, max: INT32_MAX, default: 0 },
  { name: 'srvMaxHosts', kind: 'int', min: 0, max: INT32_MAX, default: 0, srvOnly: true },
  { name: 'srvServiceName', kind: 'string', default: 'mongodb', srvOnly: true },
  { name: 'timeoutMS', kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
  { name: 'tls', kind: 'boolean', repeat: 'same-or-error' },
  { name: 'tlsAllowInvalidCertificates', kind: 'boolean', default: false },
  { name: 'tlsAllowInvalidHostnames', kind: 'boolean', default: false },
  { name: 'tlsCAFile', kind: 'string' },
  { name: 'tlsCertificateKeyFile', kind: 'string' },
  { name: 'tlsCertificateKeyFilePassword', kind: 'string' },
  { name: 'tlsDisableCertificateRevocationCheck', kind: 'boolean', default: false },
  { name: 'tlsDisableOCSPEndpointCheck', kind: 'boolean', default: false },
  { name: 'tlsInsecure', kind: 'boolean', default: false },
  { name: 'w', kind: 'w', rangeIsError: true },
  { name: 'waitQueueTimeoutMS', kind: 'int', min: 0, max: INT32_MAX, default: 0 },
  { name: 'wTimeoutMS', kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, rangeIsError: true },
  { name: 'zlibCompressionLevel', kind: 'int', min: -1, max: 9, default: -1 },
];

/** Other spellings of an option. `deprecated` ones warn; when both spellings appear the canonical one wins. */
export interface OptionAlias {
  readonly alias: string;
  readonly target: string;
  readonly deprecated: boolean;
}

export const OPTION_ALIASES: readonly OptionAlias[] = [
  { alias: 'ssl', target: 'tls', deprecated: false },
  { alias: 'wtimeout', target: 'wTimeoutMS', deprecated: true },
  { alias: 'j', target: 'journal', deprecated: true },
];

/** Options a TXT record may set (initial-dns-seedlist-discovery spec). */
export const TXT_ALLOWED_OPTIONS: readonly string[] = ['authSource', 'replicaSet', 'loadBalanced'];

const BY_LOWER_NAME = new Map(OPTION_TABLE.map((d) => [d.name.toLowerCase(), d]));
const ALIAS_BY_LOWER_NAME = new Map(OPTION_ALIASES.map((a) => [a.alias.toLowerCase(), a]));

export interface ResolvedKey {
  definition: OptionDefinition;
  /** Set when the key was an alias. */
  alias?: OptionAlias;
}

/** Finds an option by any case of its name or alias; undefined for unknown keys. */
export function lookupOption(key: string): ResolvedKey | undefined {
  const lower = key.toLowerCase();
  const direct = BY_LOWER_NAME.get(lower);
  if (direct) return { definition: direct };
  const alias = ALIAS_BY_LOWER_NAME.get(lower);
  if (!alias) return undefined;
  const definition = BY_LOWER_NAME.get(alias.target.toLowerCase());
  return definition ? { definition, alias } : undefined;
}

export function optionDefinition(name: string): OptionDefinition {
  const definition = BY_LOWER_NAME.get(name.toLowerCase());
  if (!definition) throw new Error(`internal: option ${name} is not in OPTION_TABLE`);
  return definition;
}
