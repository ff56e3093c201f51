// One client's TCP connection: frames in, one request at a time through the
// dispatcher, replies out. Anything wrong with the bytes themselves (bad
// length, garbage, undecodable message) closes only this socket; command
// failures are replies. No exception or rejection leaves this class.
import type { Socket } from 'node:net';
import { Double, type Document } from '../../bson.js';
import { MongoWireProtocolError } from '../../errors.js';
import {
  COMPRESSOR_IDS,
  decodeMessageAsync,
  encodeMessageAsync,
  MessageFramer,
  nextRequestId,
  OP_COMPRESSED,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  readOpCode,
  type CompressorName,
  type DecodedMessage,
  type DecodedOpMsg,
  type EncodableMessage,
  type OpQueryMessage,
} from '../../wire/index.js';
import { CommandError } from '../command-error.js';
import type { ConnectionState } from '../connection-state.js';
import type { Dispatcher, DispatchOutcome } from '../dispatcher.js';
import { ErrorCodes } from '../error-codes.js';
import { MAX_MESSAGE_SIZE_BYTES, type ServerRuntime } from '../server-runtime.js';
import { awaitableHelloWait } from './awaitable-hello.js';
import { COMMAND_DESERIALIZE_OPTIONS } from './canonical.js';
import { UNCOMPRESSIBLE_COMMANDS } from './compression.js';
import { commandFromOpMsg, commandNameOf } from './op-msg.js';
import { encodeOpMsgWithRaw, hasRawDocuments, materializeReply } from './raw-reply.js';
import { classifyOpQuery, REPLY_AWAIT_CAPABLE, REPLY_QUERY_FAILURE } from './op-query.js';

const COMPRESSOR_BY_ID = new Map<number, CompressorName>(
  (Object.entries(COMPRESSOR_IDS) as [CompressorName, number][]).map(([name, id]) => [id, name]),
);

export interface ClientConnectionDependencies {
  readonly runtime: ServerRuntime;
  readonly dispatcher: Dispatcher;
  /** Told about protocol errors that closed a connection (for logging). */
  readonly onProtocolError: (error: unknown, connectionId: number) => void;
}

export class ClientConnection {
  private readonly framer = new MessageFramer({ maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES });
  private readonly abort = new AbortController();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    readonly state: ConnectionState,
    private readonly deps: ClientConnectionDependencies,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (ECONNRESET, EPIPE) end in 'close'; listening here keeps them from being unhandled.
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Closes the socket without a reply (failpoint, protocol error, server shutdown). */
  destroy(): void {
    if (!this.closed) this.abort.abort();
    this.socket.destroy();
  }

  private onClose(): void {
    if (!this.closed) this.abort.abort();
    this.deps.runtime.connections.remove(this.state.info.id);
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (error) {
      this.failProtocol(error);
      return;
    }
    for (const frame of frames) {
      this.queue = this.queue.then(() => this.handleFrame(frame)).catch((error: unknown) => this.failProtocol(error));
    }
  }

  private failProtocol(error: unknown): void {
    if (this.closed) return;
    this.deps.onProtocolError(error, this.state.info.id);
    this.destroy();
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const compressor = requestCompressor(frame);
    const message = await decodeMessageAsync(frame, { maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES, deserializeOptions: COMMAND_DESERIALIZE_OPTIONS });
    switch (message.opCode) {
      case OP_MSG:
        return this.handleOpMsg(message, compressor);
      case OP_QUERY:
        return this.handleOpQuery(message, compressor);
      default:
        throw new MongoWireProtocolError(`a client sent opCode ${(message as DecodedMessage).opCode}, which only a server may send`);
    }
  }

  private async handleOpMsg(message: DecodedOpMsg, requestCompressor: CompressorName | undefined): Promise<void> {
    let command;
    try {
      command = commandFromOpMsg(message);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      if (!message.moreToCome) await this.replyOpMsg(errorReply(error), message.requestId, false, undefined);
      return;
    }
    const commandName = commandNameOf(command.body);
    const compressor = UNCOMPRESSIBLE_COMMANDS.has(commandName) ? undefined : requestCompressor;
    let awaitMS: number | undefined;
    try {
      awaitMS = awaitableHelloWait(commandName, command.body);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      await this.replyOpMsg(errorReply(error), message.requestId, false, compressor);
      return;
    }
    const request = { ...command, connection: this.state.info, signal: this.abort.signal };
    const topology = this.deps.runtime.topology;
    if (awaitMS !== undefined && topology.isCurrent(command.body.topologyVersion)) {
      await topology.waitForChange(awaitMS, this.abort.signal);
    }
    let responseTo = message.requestId;
    for (;;) {
      if (this.closed) return;
      const outcome = await this.deps.dispatcher.dispatch(request);
      if (!this.accept(outcome)) return;
      if (message.moreToCome) return;
      const streaming = awaitMS !== undefined && message.exhaustAllowed && isOkReply(outcome.reply);
      const sentId = await this.replyOpMsg(outcome.reply, responseTo, streaming, compressor);
      if (!streaming || awaitMS === undefined) return;
      responseTo = sentId;
      await topology.waitForChange(awaitMS, this.abort.signal);
    }
  }

  private async handleOpQuery(message: OpQueryMessage, compressor: CompressorName | undefined): Promise<void> {
    const request = classifyOpQuery(message);
    let document: Document;
    let flags = REPLY_AWAIT_CAPABLE;
    if (request.kind === 'queryFailure') {
      document = request.document;
      flags |= REPLY_QUERY_FAILURE;
    } else if (request.kind === 'commandError') {
      document = errorReply(request.error);
    } else {
      const outcome = await this.deps.dispatcher.dispatch({ ...request, connection: this.state.info, signal: this.abort.signal });
      if (!this.accept(outcome)) return;
      document = materializeReply(outcome.reply);
      compressor = undefined;
    }
    const reply: EncodableMessage = {
      opCode: OP_REPLY,
      requestId: nextRequestId(),
      responseTo: message.requestId,
      responseFlags: flags,
      cursorId: 0n,
      startingFrom: 0,
      documents: [document],
    };
    await this.send(reply, compressor);
  }

  /** False (and the socket closed) when the outcome asks to drop the connection. */
  private accept(outcome: DispatchOutcome): outcome is Extract<DispatchOutcome, { kind: 'reply' }> {
    if (outcome.kind === 'closeConnection') {
      this.destroy();
      return false;
    }
    return !this.closed;
  }

  private async replyOpMsg(body: Document, responseTo: number, moreToCome: boolean, compressor: CompressorName | undefined): Promise<number> {
    const requestId = nextRequestId();
    if (hasRawDocuments(body)) {
      if (compressor === undefined) {
        this.write(encodeOpMsgWithRaw(body, requestId, responseTo, moreToCome));
        return requestId;
      }
      body = materializeReply(body);
    }
    await this.send({ opCode: OP_MSG, requestId, responseTo, moreToCome, body }, compressor);
    return requestId;
  }

  private write(bytes: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(bytes);
  }

  private async send(message: EncodableMessage, compressor: CompressorName | undefined): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await encodeMessageAsync(message, { compressor, ignoreUndefined: true });
    } catch (error) {
      // A reply we cannot encode (too large, unserializable value) becomes an error reply.
      const reason = error instanceof Error ? error.message : String(error);
      const failure = errorReply(new CommandError(ErrorCodes.BSONObjectTooLarge, `the reply could not be encoded: ${reason}`));
      bytes = await encodeMessageAsync(replaceBody(message, failure), { compressor });
    }
    this.write(bytes);
  }
}

function requestCompressor(frame: Buffer): CompressorName | undefined {
  if (frame.length < 25 || readOpCode(frame) !== OP_COMPRESSED) return undefined;
  const name = COMPRESSOR_BY_ID.get(frame[24]);
  return name === 'noop' ? undefined : name;
}

function errorReply(error: CommandError): Document {
  return { ...error.toReply(), ok: new Double(0) };
}

function isOkReply(reply: Document): boolean {
  const ok = reply.ok;
  return ok instanceof Double ? ok.value === 1 : ok === 1;
}

function replaceBody(message: EncodableMessage, body: Document): EncodableMessage {
  if (message.opCode === OP_REPLY) return { ...message, documents: [body] };
  if (message.opCode === OP_MSG) return { ...message, moreToCome: false, body };
  return message;
}
