// A bare TCP client for tests that must send bytes no driver would send.
import { connect, type Socket } from 'node:net';
import { decodeMessage, MessageFramer, type DecodedMessage } from '../../../src/wire/index.js';

export class RawClient {
  private readonly framer = new MessageFramer();
  private readonly received: DecodedMessage[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.push(chunk)) this.received.push(decodeMessage(frame));
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.wake();
      resolve();
    }));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the first `count` messages received (rejects after `timeoutMS`). */
  async messages(count: number, timeoutMS = 3000): Promise<DecodedMessage[]> {
    const deadline = Date.now() + timeoutMS;
    while (this.received.length < count) {
      if (this.socket.destroyed) throw new Error(`socket closed after ${this.received.length} of ${count} messages`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${this.received.length} of ${count} messages`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.slice(0, count);
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
