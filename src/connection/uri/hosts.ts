// Host identifiers of a connection string: hostname, IPv4, [IPv6] literal or
// percent-encoded UNIX socket path, each with its port.
import { MongoParseError } from '../../errors.js';

export const DEFAULT_PORT = 27017;

export type TcpHostType = 'hostname' | 'ipv4' | 'ip_literal';

export interface TcpHostAddress {
  readonly type: TcpHostType;
  /** Lower-cased hostname, dotted IPv4, or the IPv6 literal without brackets. */
  readonly host: string;
  readonly port: number;
}

export interface UnixSocketAddress {
  readonly type: 'unix';
  /** The decoded socket path, e.g. /tmp/mongodb-27017.sock. */
  readonly path: string;
}

export type HostAddress = TcpHostAddress | UnixSocketAddress;

/** The canonical "host:port" form (IPv6 in brackets) used as a server's address key. */
export function hostAddressToString(address: HostAddress): string {
  if (address.type === 'unix') return address.path;
  return address.type === 'ip_literal' ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** Parses one raw (still percent-encoded) host identifier from a connection string. */
export function parseHostIdentifier(raw: string): HostAddress {
  if (raw.length === 0) throw new MongoParseError('empty host in connection string (check for a stray comma)');
  if (raw.startsWith('[')) return parseIpLiteral(raw);
  if (/%2f/i.test(raw)) return parseUnixSocket(raw);
  const parts = raw.split(':');
  if (parts.length > 2) {
    throw new MongoParseError(`invalid host ${JSON.stringify(raw)}: more than one ':' (IPv6 literals must be written in [brackets])`);
  }
  const host = decodeHost(parts[0], raw);
  if (host.length === 0) throw new MongoParseError(`invalid host ${JSON.stringify(raw)}: missing host name`);
  if (host.includes('/')) {
    throw new MongoParseError(`unsupported host ${JSON.stringify(host)}: UNIX domain socket paths must be URL encoded`);
  }
  const port = parts.length === 2 ? parsePort(parts[1], raw) : DEFAULT_PORT;
  return Object.freeze({ type: isIpv4(host) ? 'ipv4' : 'hostname', host: host.toLowerCase(), port });
}

/** Parses "host[:port]" as found in SRV targets or user-supplied host lists (no percent-decoding). */
export function parseHostPort(value: string): TcpHostAddress {
  const address = parseHostIdentifier(value);
  if (address.type === 'unix') throw new MongoParseError(`expected host:port, got socket path ${JSON.stringify(value)}`);
  return address;
}

function parseIpLiteral(raw: string): TcpHostAddress {
  const close = raw.indexOf(']');
  if (close < 0) throw new MongoParseError(`invalid IP literal ${JSON.stringify(raw)}: missing ']'`);
  const host = raw.slice(1, close);
  if (host.length === 0 || !/^[0-9a-fA-F:.]+(%[\w.-]+)?$/.test(host)) {
    throw new MongoParseError(`invalid IP literal ${JSON.stringify(raw)}`);
  }
  const rest = raw.slice(close + 1);
  let port = DEFAULT_PORT;
  if (rest.length > 0) {
    if (!rest.startsWith(':')) throw new MongoParseError(`invalid host ${JSON.stringify(raw)}: unexpected text after ']'`);
    port = parsePort(rest.slice(1), raw);
  }
  return Object.freeze({ type: 'ip_literal', host: host.toLowerCase(), port });
}

function parseUnixSocket(raw: string): UnixSocketAddress {
  const path = decodeHost(raw, raw);
  if (!path.endsWith('.sock')) {
    throw new MongoParseError(`unsupported host ${JSON.stringify(path)}: UNIX domain socket paths must end in .sock`);
  }
  return Object.freeze({ type: 'unix', path });
}

function parsePort(text: string, raw: string): number {
  if (!/^\d+$/.test(text)) throw new MongoParseError(`invalid port in host ${JSON.stringify(raw)}: ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new MongoParseError(`invalid port in host ${JSON.stringify(raw)}: ${port} is not between 1 and 65535`);
  return port;
}

function decodeHost(text: string, raw: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MongoParseError(`invalid percent-encoding in host ${JSON.stringify(raw)}`);
  }
}

function isIpv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
