// Shared set-up for server conformance tests: one MemoryServer and official-driver
// clients per test file, all closed in afterAll so nothing leaks.
import { afterAll, beforeAll } from 'vitest';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { MemoryServer, type MemoryServerOptions } from '../../../src/server/index.js';

export interface ServerFixture {
  readonly server: MemoryServer;
  /** A connected client (created in beforeAll). */
  readonly client: MongoClient;
  /** Another connected client with its own options; closed in afterAll. */
  newClient(options?: MongoClientOptions): Promise<MongoClient>;
}

export const CLIENT_DEFAULTS: MongoClientOptions = { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 };

/** `options` start the server (e.g. `{ replSet: 'rs0' }` for the one-member replica set). */
export function useServer(options: MemoryServerOptions = {}): ServerFixture {
  let server: MemoryServer | undefined;
  let client: MongoClient | undefined;
  const extra: MongoClient[] = [];
  beforeAll(async () => {
    server = await MemoryServer.start(options);
    client = new MongoClient(server.uri, CLIENT_DEFAULTS);
    await client.connect();
  });
  afterAll(async () => {
    await Promise.all([client, ...extra].map((c) => c?.close(true)));
    await server?.stop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('server not started (use inside tests)');
      return server;
    },
    get client() {
      if (client === undefined) throw new Error('client not connected (use inside tests)');
      return client;
    },
    async newClient(options = {}) {
      if (server === undefined) throw new Error('server not started (use inside tests)');
      const created = new MongoClient(server.uri, { ...CLIENT_DEFAULTS, ...options });
      extra.push(created);
      await created.connect();
      return created;
    },
  };
}
