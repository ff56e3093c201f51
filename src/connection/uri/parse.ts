// parseConnectionString: connection string + options object → one typed, frozen options value.
import { MongoInvalidArgumentError, MongoParseError } from '../../errors.js';
import { buildClientOptions } from './build.js';
import { collectObjectOptions, collectTextOptions, type OptionLayer } from './collect.js';
import { parseHostIdentifier, type HostAddress } from './hosts.js';
import { splitConnectionString, type SplitConnectionString } from './split.js';
import type { ClientOptionsInput, ParsedConnectionString } from './types.js';

/**
 * Parses a mongodb:// or mongodb+srv:// connection string. Options given in code take
 * precedence over the connection string. For mongodb+srv the hosts stay empty: call
 * parseConnectionStringWithSrv to resolve them (and merge TXT options).
 * Throws MongoParseError / MongoInvalidArgumentError naming the option and the reason.
 */
export function parseConnectionString(uri: string, options: ClientOptionsInput = {}): ParsedConnectionString {
  return parseWithSeeds(uri, options, undefined);
}

/** Internal entry used after SRV resolution: the seed list and TXT options come from DNS. */
export function parseWithSeeds(
  uri: string,
  options: ClientOptionsInput,
  resolved: { hosts: readonly HostAddress[]; txt: OptionLayer; warnings: readonly string[] } | undefined,
): ParsedConnectionString {
  if (typeof options !== 'object' || options === null) throw new MongoInvalidArgumentError('client options must be an object');
  const split = splitConnectionString(uri);
  const warnings: string[] = [...(resolved?.warnings ?? [])];
  const uriLayer = collectTextOptions(split.options, 'connection string', warnings);
  const objectLayer = collectObjectOptions(options as Readonly<Record<string, unknown>>, warnings);
  const srvHost = split.isSrv ? srvHostOf(split) : undefined;
  const hosts = split.isSrv ? (resolved?.hosts ?? []) : split.hosts.map(parseHostIdentifier);
  return buildClientOptions({
    isSrv: split.isSrv,
    srvHost,
    hostsKnown: !split.isSrv || resolved !== undefined,
    hosts,
    userInfoGiven: split.userInfoGiven,
    username: split.username,
    password: split.password,
    defaultDatabase: split.database,
    txt: resolved?.txt ?? new Map(),
    uri: uriLayer,
    object: objectLayer,
    input: options,
    warnings,
  });
}

/** Validation the spec requires before any DNS query: one host, no port, a host name. */
function srvHostOf(split: SplitConnectionString): string {
  if (split.hosts.length !== 1) throw new MongoParseError(`a mongodb+srv connection string takes exactly one host name, got ${split.hosts.length}`);
  const address = parseHostIdentifier(split.hosts[0]);
  if (address.type !== 'hostname') {
    throw new MongoParseError(`a mongodb+srv connection string needs a DNS host name, got ${address.type === 'unix' ? address.path : address.host}`);
  }
  if (split.hosts[0].includes(':')) throw new MongoParseError('a mongodb+srv connection string must not include a port');
  return address.host.replace(/\.$/, '');
}
