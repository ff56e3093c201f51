// The clients of both drivers a test file opens, closed together when it ends, so no test
// leaks a connection pool (or a monitor) into the next.
import { MongoClient } from 'mongodb';
import { Client } from '../../src/index.js';

export class OpenedClients {
  private readonly clients: Array<{ close(): Promise<void> }> = [];

  /** A mongrove Client for `uri` (not connected: it connects on first use). */
  readonly mongrove = (uri: string): Client => this.track(new Client(uri));

  /** An official-driver MongoClient for `uri` (not connected). */
  readonly official = (uri: string): MongoClient => this.track(new MongoClient(uri));

  /** Closes the `count` most recently opened clients (all by default); their failures propagate. */
  async closeLast(count: number = this.clients.length): Promise<void> {
    await Promise.all(this.clients.splice(-count, count).map((client) => client.close()));
  }

  /** Closes every client still open, ignoring failures (afterAll). */
  async closeAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close().catch(() => undefined)));
  }

  private track<T extends { close(): Promise<void> }>(client: T): T {
    this.clients.push(client);
    return client;
  }
}
