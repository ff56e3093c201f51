// Establishing a connection: TCP or TLS socket, then the handshake (and auth
// through its hook). Network errors up to and including hello carry the
// backpressure labels (CMAP "Backpressure-enabled"); DNS and certificate
// failures do not, since a loaded server cannot cause them.
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ObjectId } from '../bson.js';
import { MongoInvalidArgumentError, MongoNetworkError, MongoNetworkTimeoutError } from '../errors.js';
import { Connection } from './connection.js';
import { tlsFailureHint } from './tls-errors.js';
import { buildClientMetadata } from './handshake/metadata.js';
import { performHandshake, type HandshakeOptions } from './handshake/handshake.js';
import type { ConnectionFactory, ConnectionRequest } from './pool/options.js';
import { TimeoutContext, type TimeoutCause } from './timeout-context.js';

export interface ConnectionOptions extends HandshakeOptions {
  host: string;
  port: number;
  tls?: boolean;
  tlsCAFile?: string;
  tlsCertificateKeyFile?: string;
  tlsCertificateKeyFilePassword?: string;
  tlsAllowInvalidCertificates?: boolean;
  tlsAllowInvalidHostnames?: boolean;
  /** Both of the above. */
  tlsInsecure?: boolean;
  /** Limit for the TCP/TLS connect and the handshake reply; 0 = none. Default 30000. */
  connectTimeoutMS?: number;
  /** Limit for each later reply; 0 = none (default). */
  socketTimeoutMS?: number;
  zlibCompressionLevel?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

export const BACKPRESSURE_LABELS = ['SystemOverloadedError', 'RetryableError'] as const;

/** What SDAM needs to know of an error thrown by a connection's authentication step (after hello). */
export interface AuthenticationStepFailure {
  /** The serviceId the hello reported (load-balanced mode): only that service's connections are cleared. */
  readonly serviceId: ObjectId | undefined;
}

/** Errors thrown by the authentication step: SDAM marks the server Unknown even for a timeout. */
const authenticationErrors = new WeakMap<object, AuthenticationStepFailure>();

/** The failure's details when `error` came from a connection's authentication step rather than its socket or hello. */
export function authenticationStepFailure(error: unknown): AuthenticationStepFailure | undefined {
  return typeof error === 'object' && error !== null ? authenticationErrors.get(error) : undefined;
}

/** "host:port", with IPv6 literals bracketed. */
export function formatAddress(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

const NOT_OVERLOAD_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function causeCode(error: Error): string | undefined {
  const cause = error.cause;
  if (typeof cause === 'object' && cause !== null && typeof (cause as { code?: unknown }).code === 'string') {
    return (cause as { code: string }).code;
  }
  return undefined;
}

/** Adds the backpressure labels to a network error met before the handshake completed. */
function labelIfOverload(error: unknown): void {
  if (!(error instanceof MongoNetworkError)) return;
  const code = causeCode(error);
  const certificateFailure = code !== undefined && (/CERT|SIGNATURE|ISSUER/.test(code) || NOT_OVERLOAD_CODES.has(code));
  if (certificateFailure) return;
  for (const label of BACKPRESSURE_LABELS) error.addErrorLabel(label);
}

function readOptionFile(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new MongoInvalidArgumentError(`${option} '${path}' cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function tlsOptions(options: ConnectionOptions): tls.ConnectionOptions {
  const allowInvalidCertificates = options.tlsInsecure === true || options.tlsAllowInvalidCertificates === true;
  const allowInvalidHostnames = options.tlsInsecure === true || options.tlsAllowInvalidHostnames === true;
  const result: tls.ConnectionOptions = { host: options.host, port: options.port, rejectUnauthorized: !allowInvalidCertificates };
  if (!net.isIP(options.host)) result.servername = options.host;
  if (options.tlsCAFile !== undefined) result.ca = readOptionFile('tlsCAFile', options.tlsCAFile);
  if (options.tlsCertificateKeyFile !== undefined) {
    const pem = readOptionFile('tlsCertificateKeyFile', options.tlsCertificateKeyFile);
    result.cert = pem;
    result.key = pem;
    if (options.tlsCertificateKeyFilePassword !== undefined) result.passphrase = options.tlsCertificateKeyFilePassword;
  }
  if (allowInvalidHostnames) result.checkServerIdentity = () => undefined;
  return result;
}

/** Opens the TCP or TLS socket, bounded by connectTimeoutMS and the operation's context. */
function openSocket(options: ConnectionOptions, address: string, timeout: TimeoutContext, signal: AbortSignal | undefined): Promise<net.Socket> {
  const connectTimeoutMS = options.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<net.Socket>((resolve, reject) => {
    const socket = options.tls === true ? tls.connect(tlsOptions(options)) : net.connect({ host: options.host, port: options.port });
    const connectedEvent = options.tls === true ? 'secureConnect' : 'connect';
    const cleanup = (): void => {
      disarm();
      socket.removeListener('error', onError);
      socket.removeListener(connectedEvent, onConnected);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void =>
      fail(new MongoNetworkError(`connection to ${address} failed: ${error.message}${tlsFailureHint(error)}`, { cause: error, beforeHandshake: true }));
    const onConnected = (): void => {
      cleanup();
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 120_000);
      resolve(socket);
    };
    const onAbort = (): void => fail(signal?.reason instanceof Error ? signal.reason : new MongoNetworkError(`connection to ${address} was aborted`));
    // connectTimeoutMS bounds the connect even under timeoutMS, as the CSOT spec keeps it.
    const limited = timeout.csot ? TimeoutContext.create({ timeoutMS: Math.min(timeout.remainingMS(), connectTimeoutMS || Infinity) }) : timeout;
    const disarm = limited.onDone((cause: TimeoutCause) => {
      if (cause.kind === 'aborted') return onAbort();
      fail(new MongoNetworkTimeoutError(`connection to ${address} timed out after ${connectTimeoutMS} ms (connectTimeoutMS)`, { beforeHandshake: true }));
    }, connectTimeoutMS);
    socket.once('error', onError);
    socket.once(connectedEvent, onConnected);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface ConnectRequest {
  id: number;
  timeout?: TimeoutContext;
  /** The pool's "give up" signal (pool closed or cleared with interruption). */
  signal?: AbortSignal;
}

/** Opens, handshakes and authenticates one connection. */
export async function connect(options: ConnectionOptions, request: ConnectRequest): Promise<Connection> {
  const address = formatAddress(options.host, options.port);
  const timeout = request.timeout ?? TimeoutContext.none();
  let socket: net.Socket;
  try {
    socket = await openSocket(options, address, timeout, request.signal);
  } catch (error) {
    labelIfOverload(error);
    throw error;
  }
  const connection = new Connection(socket, {
    id: request.id,
    address,
    socketTimeoutMS: options.socketTimeoutMS ?? 0,
    zlibCompressionLevel: options.zlibCompressionLevel,
  });
  const onAbort = (): void => connection.destroy(request.signal?.reason instanceof Error ? request.signal.reason : undefined);
  request.signal?.addEventListener('abort', onAbort, { once: true });
  let helloDone = false;
  try {
    const auth = options.auth;
    await performHandshake(
      connection,
      {
        ...options,
        auth:
          auth === undefined
            ? undefined
            : {
                prepare: (doc, conn) => auth.prepare(doc, conn),
                finish: async (conn, reply) => {
                  helloDone = true; // errors from here on are auth errors: no backpressure labels
                  try {
                    await auth.finish(conn, reply);
                  } catch (error) {
                    if (typeof error === 'object' && error !== null) authenticationErrors.set(error, { serviceId: conn.serviceId });
                    throw error;
                  }
                },
              },
      },
      { timeout, replyTimeoutMS: options.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS },
    );
    return connection;
  } catch (error) {
    if (!helloDone) labelIfOverload(error);
    connection.destroy(error instanceof Error ? error : undefined);
    if (error instanceof Error) throw error;
    throw new MongoNetworkError(`handshake with ${address} failed: ${String(error)}`);
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A pool's connection factory for one server. The `client` metadata document is
 * built once here, not per connection.
 */
export function connectionFactory(options: ConnectionOptions): ConnectionFactory<Connection> {
  const metadata = options.metadata ?? buildClientMetadata({ appName: options.appName, driverInfo: options.driverInfo });
  const resolved: ConnectionOptions = { ...options, metadata };
  return (request: ConnectionRequest) => connect(resolved, { id: request.id, signal: request.signal });
}
