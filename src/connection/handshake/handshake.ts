// The initial handshake: the first command on every new connection (mongodb-handshake
// spec). It is `hello` when a Stable API version is requested or in load-balanced
// mode, else legacy hello (`isMaster` with helloOk); always sent as OP_MSG, never
// compressed. Authentication plugs in through an optional hook.
import type { Document } from '../../bson.js';
import type { CompressorName } from '../../wire/index.js';
import type { Connection } from '../connection.js';
import type { Reply } from '../reply.js';
import { describeStream, type StreamDescription } from '../stream-description.js';
import { TimeoutContext } from '../timeout-context.js';
import { buildClientMetadata, type DriverInfo } from './metadata.js';

/** The Stable API declaration (versioned-api spec). */
export interface ServerApi {
  version: string;
  strict?: boolean;
  deprecationErrors?: boolean;
}

/**
 * Filled by the auth layer: `prepare` adds saslSupportedMechs / speculativeAuthenticate
 * to the handshake document; `finish` authenticates the connection with the hello reply.
 * Both receive the connection, so one hook can keep per-connection conversation state.
 */
export interface HandshakeAuthHook {
  prepare(handshake: Document, connection: Connection): void | Promise<void>;
  finish(connection: Connection, hello: Reply): Promise<void>;
}

export interface HandshakeOptions {
  appName?: string;
  driverInfo?: readonly DriverInfo[];
  compressors?: readonly CompressorName[];
  serverApi?: ServerApi;
  loadBalanced?: boolean;
  auth?: HandshakeAuthHook;
  /** A precomputed `client` document (built once per client); built from appName/driverInfo otherwise. */
  metadata?: Document;
}

/** The fields a Stable API declaration adds to every command. */
export function serverApiFields(serverApi: ServerApi | undefined): Document {
  if (serverApi === undefined) return {};
  const fields: Document = { apiVersion: serverApi.version };
  if (serverApi.strict !== undefined) fields.apiStrict = serverApi.strict;
  if (serverApi.deprecationErrors !== undefined) fields.apiDeprecationErrors = serverApi.deprecationErrors;
  return fields;
}

/** The handshake command document (before the auth hook adds its fields). */
export function buildHandshakeCommand(options: HandshakeOptions): Document {
  const modern = options.serverApi !== undefined || options.loadBalanced === true;
  const command: Document = modern ? { hello: 1 } : { isMaster: 1, helloOk: true };
  command.backpressure = '2';
  command.client = options.metadata ?? buildClientMetadata({ appName: options.appName, driverInfo: options.driverInfo });
  command.compression = [...(options.compressors ?? [])];
  if (options.loadBalanced === true) command.loadBalanced = true;
  Object.assign(command, serverApiFields(options.serverApi));
  return command;
}

export interface HandshakeLimits {
  timeout?: TimeoutContext;
  /** Longest wait for the hello reply when no timeoutMS applies (connectTimeoutMS). */
  replyTimeoutMS?: number;
}

/** Sends the handshake, records the StreamDescription on the connection, then lets auth finish. */
export async function performHandshake(
  connection: Connection,
  options: HandshakeOptions,
  limits: HandshakeLimits = {},
): Promise<StreamDescription> {
  const command = buildHandshakeCommand(options);
  await options.auth?.prepare(command, connection);
  const reply = await connection.command('admin', command, {
    timeout: limits.timeout ?? TimeoutContext.none(),
    socketTimeoutMS: limits.replyTimeoutMS ?? 0,
  });
  const description = describeStream(reply.body(), {
    address: connection.address,
    compressors: options.compressors ?? [],
    loadBalanced: options.loadBalanced === true,
  });
  connection.description = description;
  await options.auth?.finish(connection, reply);
  return description;
}
