// A tiny scripted MongoDB-wire server for connection tests (no storage, no real
// commands): each received command goes to a handler that answers with a reply
// document, or closes / ignores the socket.
import * as net from 'node:net';
import type { Document } from '../../src/bson.js';
import {
  decodeMessageAsync,
  encodeMessageAsync,
  MessageFramer,
  nextRequestId,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  type CompressorName,
  type DecodedMessage,
} from '../../src/wire/index.js';

export type FakeAction =
  | { reply: Document; compressor?: CompressorName; moreToCome?: boolean }
  | { close: true }
  | { ignore: true };

export interface ReceivedCommand {
  opCode: number;
  body: Document;
  /** True when the request arrived as OP_COMPRESSED. */
  compressed: boolean;
  message: DecodedMessage;
}

export type FakeHandler = (command: ReceivedCommand, socket: net.Socket) => FakeAction | FakeAction[] | Promise<FakeAction | FakeAction[]>;

export const DEFAULT_HELLO: Document = {
  ok: 1,
  isWritablePrimary: true,
  helloOk: true,
  maxBsonObjectSize: 16 * 1024 * 1024,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: 7,
  minWireVersion: 0,
  maxWireVersion: 21,
};

export interface FakeServer {
  port: number;
  address: string;
  received: ReceivedCommand[];
  sockets: Set<net.Socket>;
  stop(): Promise<void>;
}

function isHello(body: Document): boolean {
  const name = Object.keys(body)[0]?.toLowerCase();
  return name === 'hello' || name === 'ismaster';
}

/** Starts a server on 127.0.0.1; hello is answered with DEFAULT_HELLO unless the handler says otherwise. */
export async function startFakeServer(handler: FakeHandler = () => ({ reply: { ok: 1 } })): Promise<FakeServer> {
  const received: ReceivedCommand[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const framer = new MessageFramer();
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) {
        const compressed = frame.readInt32LE(12) === 2012;
        chain = chain.then(async () => {
          const message = await decodeMessageAsync(frame);
          const body = message.opCode === OP_MSG ? message.body() : message.opCode === OP_QUERY ? message.query : {};
          const command: ReceivedCommand = { opCode: message.opCode, body, compressed, message };
          received.push(command);
          const result = await handler(command, socket);
          const actions = Array.isArray(result) ? result : [result];
          let responseTo = message.requestId;
          for (const action of actions) {
            if ('close' in action) {
              socket.destroy();
              return;
            }
            if ('ignore' in action) continue;
            const requestId = nextRequestId();
            const reply =
              message.opCode === OP_QUERY
                ? await encodeMessageAsync({ opCode: OP_REPLY, requestId, responseTo, responseFlags: 0, cursorId: 0n, startingFrom: 0, documents: [action.reply] })
                : await encodeMessageAsync(
                    { opCode: OP_MSG, requestId, responseTo, moreToCome: action.moreToCome === true, body: action.reply },
                    { compressor: action.compressor },
                  );
            socket.write(reply);
            responseTo = requestId;
          }
        }).catch(() => {
          socket.destroy();
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    received,
    sockets,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering hello with DEFAULT_HELLO (plus `helloExtra`) and everything else with `other`. */
export function helloThen(other: FakeHandler, helloExtra: Document = {}): FakeHandler {
  return (command, socket) => (isHello(command.body) ? { reply: { ...DEFAULT_HELLO, ...helloExtra } } : other(command, socket));
}
