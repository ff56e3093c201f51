// One socket to one server. Requests are OP_MSG commands matched to replies by
// responseTo; replies stay bytes (Reply). Any socket error, timeout or protocol
// error closes the connection and rejects every pending request with it: a
// connection never hangs and is never reused after an error.
import type { Socket } from 'node:net';
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoWireProtocolError } from '../errors.js';
import {
  decodeMessage,
  decodeMessageAsync,
  encodeMessage,
  encodeMessageAsync,
  MessageFramer,
  nextRequestId,
  OP_COMPRESSED,
  OP_MSG,
  OP_REPLY,
  readOpCode,
  type CompressorName,
  type DecodedMessage,
  type DocumentSequence,
  type EncodableMessage,
  type SerializedDocumentSequence,
} from '../wire/index.js';
import { mayCompress } from './compression.js';
import type { PoolableConnection } from './pool/options.js';
import { Reply } from './reply.js';
import type { StreamDescription } from './stream-description.js';
import { TimeoutContext, type TimeoutCause } from './timeout-context.js';

export interface ConnectionConfig {
  /** Pool-assigned id (1, 2, … per pool); monitors use their own numbering. */
  id: number;
  /** "host:port", used in every error message. */
  address: string;
  /** Longest wait for a reply when no timeoutMS applies; 0 = no limit. */
  socketTimeoutMS?: number;
  zlibCompressionLevel?: number;
}

export interface CommandOptions {
  /** The operation's timeout/cancel context (timeoutMS deadline and/or AbortSignal). */
  timeout?: TimeoutContext;
  /** OP_MSG kind-1 sections (e.g. insert "documents"), possibly pre-serialized. */
  sequences?: ReadonlyArray<DocumentSequence | SerializedDocumentSequence>;
  /** Resolve with { ok: 0 } replies instead of rejecting with MongoServerError. */
  noThrow?: boolean;
  /** Overrides socketTimeoutMS for this request (monitors: connectTimeoutMS + heartbeatFrequencyMS). */
  socketTimeoutMS?: number;
  /** The OP_MSG requestId to send (command monitoring publishes it before sending); drawn here when absent. */
  requestId?: number;
}

interface PendingRequest {
  onMessage(message: DecodedMessage): void;
  onError(error: Error): void;
}

const OP_REPLY_QUERY_FAILURE = 2;

/** The command's name: its first key. */
function commandName(body: Document): string {
  for (const key in body) return key;
  throw new MongoInvalidArgumentError('a command document must not be empty');
}

function replyOf(message: DecodedMessage): Reply {
  if (message.opCode === OP_MSG) return new Reply(message.bodyBytes, message.sequences, message.moreToCome);
  if (message.opCode === OP_REPLY) {
    const [document] = message.documents;
    if (document === undefined) throw new MongoWireProtocolError('OP_REPLY to a command carries no document');
    if ((message.responseFlags & OP_REPLY_QUERY_FAILURE) !== 0) return Reply.fromDocument({ ok: 0, ...document });
    return Reply.fromDocument(document);
  }
  throw new MongoWireProtocolError(`unexpected opCode ${message.opCode} in a reply`);
}

export class Connection implements PoolableConnection {
  readonly id: number;
  readonly address: string;
  generation = 0;
  /** Set by the handshake. */
  description: StreamDescription | undefined;

  private readonly socket: Socket;
  private readonly socketTimeoutMS: number;
  private readonly zlibCompressionLevel: number | undefined;
  private readonly framer = new MessageFramer();
  private readonly pending = new Map<number, PendingRequest>();
  private failure: Error | undefined;
  /** Compressed frames decode asynchronously; later frames queue behind them to keep order. */
  private inbound: Promise<void> = Promise.resolve();
  private queuedFrames = 0;

  constructor(socket: Socket, config: ConnectionConfig) {
    this.socket = socket;
    this.id = config.id;
    this.address = config.address;
    this.socketTimeoutMS = config.socketTimeoutMS ?? 0;
    this.zlibCompressionLevel = config.zlibCompressionLevel;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error: Error) => this.destroy(this.networkError(`failed: ${error.message}`, error)));
    socket.on('close', () => this.destroy(this.networkError('was closed by the server')));
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** The error that closed this connection, if it is closed. */
  get closeReason(): Error | undefined {
    return this.failure;
  }

  get serviceId(): StreamDescription['serviceId'] {
    return this.description?.serviceId;
  }

  /** Sends `body` to database `db` and resolves with its reply (rejects with MongoServerError on ok: 0). */
  async command(db: string, body: Document, options: CommandOptions = {}): Promise<Reply> {
    const reply = await this.roundTrip(db, body, options, false);
    if (!options.noThrow && !reply.ok) throw new MongoServerError(reply.body());
    return reply;
  }

  /** Sends an unacknowledged command (moreToCome): resolves once written, no reply is awaited. */
  async sendUnacknowledged(db: string, body: Document, options: CommandOptions = {}): Promise<void> {
    this.throwIfClosed();
    const { frame } = await this.encode(db, body, options, { moreToCome: true });
    await new Promise<void>((resolve, reject) => {
      this.socket.write(frame, (error) => (error ? reject(this.networkError(`failed: ${error.message}`, error)) : resolve()));
    });
  }

  /**
   * Sends a command with exhaustAllowed and yields every reply the server streams
   * back (streaming hello). Stopping early closes the connection: replies would
   * keep arriving on it.
   */
  async *exhaust(db: string, body: Document, options: CommandOptions = {}): AsyncGenerator<Reply, void, undefined> {
    const queue: Reply[] = [];
    let failure: Error | undefined;
    let finished = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      wake?.();
      wake = undefined;
    };
    let disarm = (): void => {};
    const armTimer = (): void => {
      disarm();
      disarm = this.armTimeout(options, (error) => this.destroy(error));
    };
    const request: PendingRequest = {
      onMessage: (message) => {
        try {
          const reply = replyOf(message);
          queue.push(reply);
          if (!reply.moreToCome) finished = true;
          else armTimer();
        } catch (error) {
          failure = error instanceof Error ? error : new MongoWireProtocolError(String(error));
        }
        notify();
      },
      onError: (error) => {
        failure = error;
        notify();
      },
    };
    const { requestId, frame } = await this.encode(db, body, options, { exhaustAllowed: true });
    this.throwIfClosed();
    this.pending.set(requestId, request);
    armTimer();
    this.socket.write(frame);
    let completed = false;
    try {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          if (!next.ok && !options.noThrow) throw new MongoServerError(next.body());
          yield next;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (finished) {
          completed = true;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      disarm();
      if (!completed && !this.closed) this.destroy(this.networkError('was closed: an exhaust stream was abandoned'));
    }
  }

  /** Closes the socket; pending requests reject with `error`. Idempotent. */
  destroy(error?: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error ?? this.networkError('was closed');
    this.socket.destroy();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const request of pending) request.onError(this.failure);
  }

  // ---- internals -----------------------------------------------------------------

  private roundTrip(db: string, body: Document, options: CommandOptions, exhaustAllowed: boolean): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let disarm = (): void => {};
      const request: PendingRequest = {
        onMessage: (message) => {
          disarm();
          try {
            resolve(replyOf(message));
          } catch (error) {
            reject(error);
          }
        },
        onError: (error) => {
          disarm();
          reject(error);
        },
      };
      this.encode(db, body, options, { exhaustAllowed }).then(({ requestId, frame }) => {
        if (this.failure !== undefined) {
          reject(this.closedError());
          return;
        }
        this.pending.set(requestId, request);
        disarm = this.armTimeout(options, (error) => this.destroy(error));
        this.socket.write(frame);
      }, reject);
    });
  }

  /** Arms the request's timeout: the context's deadline/abort, else the socket timeout. */
  private armTimeout(options: CommandOptions, onTimeout: (error: Error) => void): () => void {
    const timeout = options.timeout ?? TimeoutContext.none();
    const cap = options.socketTimeoutMS ?? this.socketTimeoutMS;
    return timeout.onDone((cause: TimeoutCause) => onTimeout(this.timeoutError(cause, timeout, cap)), cap);
  }

  private timeoutError(cause: TimeoutCause, timeout: TimeoutContext, capMS: number): Error {
    if (cause.kind === 'cap') {
      return new MongoNetworkTimeoutError(`connection ${this.id} to ${this.address} timed out after ${capMS} ms waiting for a reply (socketTimeoutMS)`);
    }
    return timeout.errorFor(cause, `command on connection ${this.id} to ${this.address}`);
  }

  private async encode(
    db: string,
    body: Document,
    options: CommandOptions,
    flags: { moreToCome?: boolean; exhaustAllowed?: boolean },
  ): Promise<{ requestId: number; frame: Buffer }> {
    this.throwIfClosed();
    const name = commandName(body);
    const requestId = options.requestId ?? nextRequestId();
    const message: EncodableMessage = {
      opCode: OP_MSG,
      requestId,
      responseTo: 0,
      moreToCome: flags.moreToCome === true,
      exhaustAllowed: flags.exhaustAllowed === true,
      body: { ...body, $db: db },
      ...(options.sequences !== undefined ? { sequences: options.sequences } : {}),
    };
    const compressor: CompressorName | undefined = mayCompress(name) ? this.description?.compressor : undefined;
    const encodeOptions = { compressor, zlibCompressionLevel: this.zlibCompressionLevel };
    const frame = compressor === 'zstd' ? await encodeMessageAsync(message, encodeOptions) : encodeMessage(message, encodeOptions);
    const max = this.description?.maxMessageSizeBytes;
    if (max !== undefined && frame.length > max) {
      throw new MongoInvalidArgumentError(`command ${name} is ${frame.length} bytes, over the server's maxMessageSizeBytes (${max})`);
    }
    return { requestId, frame };
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (error) {
      this.destroy(this.protocolError(error));
      return;
    }
    for (const frame of frames) {
      if (this.queuedFrames === 0 && readOpCode(frame) !== OP_COMPRESSED) {
        this.dispatchFrame(frame);
        continue;
      }
      this.queuedFrames += 1;
      this.inbound = this.inbound.then(async () => {
        try {
          this.dispatch(await decodeMessageAsync(frame));
        } catch (error) {
          this.destroy(this.protocolError(error));
        } finally {
          this.queuedFrames -= 1;
        }
      });
    }
  }

  private dispatchFrame(frame: Buffer): void {
    try {
      this.dispatch(decodeMessage(frame));
    } catch (error) {
      this.destroy(this.protocolError(error));
    }
  }

  private dispatch(message: DecodedMessage): void {
    if (this.failure !== undefined) return;
    const request = this.pending.get(message.responseTo);
    if (request === undefined) {
      throw new MongoWireProtocolError(`reply responseTo ${message.responseTo} matches no request on connection ${this.id} to ${this.address}`);
    }
    this.pending.delete(message.responseTo);
    // An exhaust reply with moreToCome is answered by the next one, which responds to it.
    if (message.opCode === OP_MSG && message.moreToCome) this.pending.set(message.requestId, request);
    request.onMessage(message);
  }

  private throwIfClosed(): void {
    if (this.failure !== undefined) throw this.closedError();
  }

  private closedError(): MongoNetworkError {
    return this.networkError(`is closed (${this.failure?.message ?? 'destroyed'})`, this.failure);
  }

  private networkError(what: string, cause?: unknown): MongoNetworkError {
    return new MongoNetworkError(`connection ${this.id} to ${this.address} ${what}`, { cause });
  }

  private protocolError(error: unknown): Error {
    if (error instanceof MongoWireProtocolError) {
      return new MongoWireProtocolError(`connection ${this.id} to ${this.address}: ${error.message}`, { cause: error });
    }
    return error instanceof Error ? error : new MongoWireProtocolError(String(error));
  }
}
