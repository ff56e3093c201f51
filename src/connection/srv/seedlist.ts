// mongodb+srv: SRV lookup for the seed list, TXT lookup for default options
// (initial-dns-seedlist-discovery spec), then the normal option rules.
import { MongoAPIError, MongoParseError } from '../../errors.js';
import { collectTextOptions } from '../uri/collect.js';
import type { TcpHostAddress } from '../uri/hosts.js';
import { parseConnectionString, parseWithSeeds } from '../uri/parse.js';
import { parseQuery } from '../uri/split.js';
import type { ClientOptionsInput, ParsedConnectionString } from '../uri/types.js';
import { isNoDataError, nodeDnsResolver, type DnsResolver } from './resolver.js';

/**
 * Parses a connection string and, for mongodb+srv, resolves its seed list and TXT options.
 * Precedence: defaults < TXT record < connection string < options object.
 */
export async function parseConnectionStringWithSrv(
  uri: string,
  options: ClientOptionsInput = {},
  resolver: DnsResolver = nodeDnsResolver,
): Promise<ParsedConnectionString> {
  // Validate everything knowable before touching DNS (port, several hosts, bad options).
  const first = parseConnectionString(uri, options);
  if (!first.isSrv || first.srvHost === undefined) return first;
  const srvHost = first.srvHost;
  const [hosts, txtText] = await Promise.all([
    lookupSrvHosts(srvHost, first.srvServiceName, resolver),
    lookupTxtOptions(srvHost, resolver),
  ]);
  const warnings: string[] = [];
  const txt = collectTextOptions(parseQuery(txtText, `TXT record of ${srvHost}`), 'TXT record', warnings);
  // The spec lets TXT default authSource/replicaSet/loadBalanced, never srvMaxHosts; apply the limit after.
  const limited = first.srvMaxHosts > 0 && first.srvMaxHosts < hosts.length ? randomSubset(hosts, first.srvMaxHosts) : hosts;
  return parseWithSeeds(uri, options, { hosts: limited, txt, warnings });
}

/**
 * Resolves `_<service>._tcp.<srvHost>` to host addresses, checking every target shares the
 * SRV host's domain. Used for the initial seed list and by SRV polling.
 */
export async function lookupSrvHosts(srvHost: string, serviceName: string, resolver: DnsResolver): Promise<TcpHostAddress[]> {
  const query = `_${serviceName}._tcp.${srvHost}`;
  let records;
  try {
    records = await resolver.resolveSrv(query);
  } catch (error) {
    throw new MongoAPIError(`SRV lookup of ${query} failed, so the connection string gave no hosts: ${describeError(error)}`, { cause: error });
  }
  if (records.length === 0) throw new MongoAPIError(`SRV lookup of ${query} returned no records, so the connection string gave no hosts`);
  const hosts: TcpHostAddress[] = [];
  for (const record of records) {
    const target = record.name.replace(/\.$/, '').toLowerCase();
    const reason = domainMismatch(srvHost, target);
    if (reason) throw new MongoAPIError(`SRV record ${target}:${record.port} for ${query} rejected: ${reason}`);
    if (!hosts.some((h) => h.host === target && h.port === record.port)) {
      hosts.push(Object.freeze({ type: 'hostname', host: target, port: record.port }));
    }
  }
  return hosts;
}

/**
 * Why a returned SRV target may not be used, or undefined when it may. The target must end
 * with "." + the SRV host's domain: the host minus its first label when it has three or more
 * labels, otherwise the whole host (and then the target needs at least one more label).
 */
export function domainMismatch(srvHost: string, target: string): string | undefined {
  const host = srvHost.toLowerCase().replace(/\.$/, '');
  const name = target.toLowerCase().replace(/\.$/, '');
  const labels = host.split('.');
  const domain = labels.length >= 3 ? labels.slice(1).join('.') : host;
  if (!name.endsWith(`.${domain}`)) return `it does not end with the SRV host's domain ".${domain}"`;
  if (labels.length < 3 && name.split('.').length <= labels.length) {
    return `it must have more domain levels than the SRV host ${host}`;
  }
  return undefined;
}

async function lookupTxtOptions(srvHost: string, resolver: DnsResolver): Promise<string> {
  let records: string[][];
  try {
    records = await resolver.resolveTxt(srvHost);
  } catch (error) {
    if (isNoDataError(error)) return '';
    throw new MongoAPIError(`TXT lookup of ${srvHost} failed: ${describeError(error)}`, { cause: error });
  }
  if (records.length > 1) throw new MongoParseError(`${srvHost} has ${records.length} TXT records; at most one is allowed`);
  // A record's character strings (each at most 255 bytes) form one string, in order.
  return records.length === 0 ? '' : records[0].join('');
}

/** Fisher-Yates on a copy, keeping the first `count`. */
function randomSubset<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
    return `${code}${error.message}`;
  }
  return String(error);
}
