// One embedded server and one mongrove Client per test file, started in beforeAll and closed in
// afterAll (the driver-side counterpart of test/server/support/server-fixture.ts).
import { afterAll, beforeAll } from 'vitest';
import { Client } from '../../src/index.js';
import { MemoryServer, type MemoryServerOptions } from '../../src/server/index.js';

export interface MongroveServerFixture {
  readonly server: MemoryServer;
  readonly client: Client;
}

export function useMongroveServer(options: MemoryServerOptions = {}): MongroveServerFixture {
  let server: MemoryServer | undefined;
  let client: Client | undefined;
  beforeAll(async () => {
    server = await MemoryServer.start(options);
    client = new Client(server.uri);
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('server not started (use inside tests)');
      return server;
    },
    get client() {
      if (client === undefined) throw new Error('client not created (use inside tests)');
      return client;
    },
  };
}
