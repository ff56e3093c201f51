// The structured shape every log message has: a fixed `message` text plus
// spec-named fields. Absent optional fields are left out, never null (logging spec,
// "Omitting Null Values").

/** An error as logged: its class name, message and server-reported details. */
export interface LoggedFailure {
  readonly errorName?: string;
  readonly message?: string;
  readonly code?: number;
  readonly codeName?: string;
  readonly errorLabels?: readonly string[];
  /** The server's reply behind the error, as truncated relaxed extended JSON. */
  readonly reply?: string;
}

export type LogFieldValue = string | number | boolean | LoggedFailure;

export interface LogMessage {
  readonly message: string;
  readonly [field: string]: LogFieldValue | undefined;
}

/** `serverHost` / `serverPort` of an address (no port for Unix domain sockets). */
export interface ServerAddressFields {
  readonly serverHost: string;
  readonly serverPort?: number;
}

const DEFAULT_PORT = 27017;

/**
 * "host:27017" → { serverHost: "host", serverPort: 27017 }; "[::1]:27018" → host "::1";
 * "/tmp/mongodb-27017.sock" → host only; a missing port is the default 27017.
 */
export function addressFields(address: string): ServerAddressFields {
  if (address.startsWith('/') || address.endsWith('.sock')) return { serverHost: address };
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close !== -1) {
      const host = address.slice(1, close);
      return { serverHost: host, serverPort: portOf(address.slice(close + 1)) };
    }
  }
  const colon = address.lastIndexOf(':');
  if (colon === -1 || address.indexOf(':') !== colon) return { serverHost: address, serverPort: DEFAULT_PORT };
  return { serverHost: address.slice(0, colon), serverPort: portOf(address.slice(colon)) };
}

function portOf(suffix: string): number {
  if (!suffix.startsWith(':')) return DEFAULT_PORT;
  const port = Number(suffix.slice(1));
  return Number.isInteger(port) && port > 0 ? port : DEFAULT_PORT;
}

/** Copies `fields` without its undefined entries. */
export function withoutUndefined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as T;
}
