// The round-trip floor: one node:net socket sends a pre-encoded OP_MSG {ping: 1} and
// waits for the reply frame. No driver can answer faster than this on the same machine.
import { connect, type Socket } from 'node:net';
import { serialize } from '../src/bson.js';

const OP_MSG = 2013;
const HEADER_SIZE = 16;

/** Header + flagBits + one kind-0 section holding {ping: 1, $db: "admin"}. */
function encodedPing(): Buffer {
  const body = serialize({ ping: 1, $db: 'admin' });
  const message = Buffer.alloc(HEADER_SIZE + 4 + 1 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(1, 4); // requestID: servers do not require it to change
  message.writeInt32LE(0, 8);
  message.writeInt32LE(OP_MSG, 12);
  message.writeUInt32LE(0, 16);
  message.writeUInt8(0, 20);
  message.set(body, 21);
  return message;
}

export interface RawPinger {
  /** Sends one ping and resolves when the whole reply frame has arrived. */
  ping(): Promise<void>;
  close(): void;
}

export async function openRawPinger(uri: string): Promise<RawPinger> {
  const { host, port } = firstHost(uri);
  const socket = await new Promise<Socket>((resolvePromise, reject) => {
    const s = connect({ host, port, noDelay: true }, () => resolvePromise(s));
    s.once('error', reject);
  });
  const request = encodedPing();
  let pending: { resolve: () => void; reject: (e: Error) => void } | undefined;
  let buffered = 0;
  let expected = -1;
  let head: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    // Only the length prefix matters; the payload is counted, not decoded.
    if (expected < 0) {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length < 4) return;
      expected = head.readInt32LE(0);
      buffered = head.length;
      head = Buffer.alloc(0);
    } else {
      buffered += chunk.length;
    }
    if (buffered >= expected) {
      expected = -1;
      buffered = 0;
      const done = pending;
      pending = undefined;
      done?.resolve();
    }
  });
  socket.on('error', (error) => pending?.reject(error));
  return {
    ping: () =>
      new Promise<void>((resolvePromise, reject) => {
        pending = { resolve: resolvePromise, reject };
        socket.write(request);
      }),
    close: () => socket.destroy(),
  };
}

/** host:port of the connection string's first host (IPv6 in brackets allowed). */
function firstHost(uri: string): { host: string; port: number } {
  const match = /^mongodb:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^,/:?]+)(?::(\d+))?/.exec(uri);
  if (!match) throw new Error(`cannot read a host from ${uri} (the floor needs a plain mongodb:// URI)`);
  return { host: match[1].replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : 27017 };
}
