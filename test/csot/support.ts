// Shared set-up of the CSOT prose tests: one embedded server per test file, an internal
// client for fail points and set-up, and the names of the commands a client sent.
import { afterAll, beforeAll } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client, type ClientOptions } from '../../src/index.js';
import { MemoryServer, type MemoryServerOptions } from '../../src/server/index.js';

export type FailPointMode = 'alwaysOn' | { times: number };

export interface CsotFixture {
  readonly server: MemoryServer;
  /** The prose tests' `internalClient`: set-up and fail points, no timeoutMS. */
  readonly internal: Client;
  /** Sets the failCommand fail point; cleared after each client made by `withClient`. */
  failCommand(mode: FailPointMode, data: Document): Promise<void>;
  /** Runs `test` with a new client on the server, then closes it and clears the fail point. */
  withClient(options: ClientOptions, test: (client: Client, sent: SentCommands) => Promise<void>): Promise<void>;
}

/** What a client sent, in order: commandStarted names, and the names that failed. */
export interface SentCommands {
  readonly started: string[];
  readonly failed: string[];
  /** Started commands named `name` on collection `collection` (the command's value). */
  on(name: string, collection: string): number;
}

function recordCommands(client: Client): SentCommands {
  const started: string[] = [];
  const failed: string[] = [];
  const targets: Array<{ name: string; collection: unknown }> = [];
  client.on('commandStarted', (event) => {
    started.push(event.commandName);
    // getMore names its cursor first and its collection in `collection`.
    const collection = event.commandName === 'getMore' ? event.command.collection : event.command[event.commandName];
    targets.push({ name: event.commandName, collection });
  });
  client.on('commandFailed', (event) => failed.push(event.commandName));
  return {
    started,
    failed,
    on: (name, collection) => targets.filter((sent) => sent.name === name && sent.collection === collection).length,
  };
}

export function useCsotServer(options: MemoryServerOptions = {}): CsotFixture {
  let server: MemoryServer | undefined;
  let internal: Client | undefined;
  beforeAll(async () => {
    server = await MemoryServer.start(options);
    internal = new Client(server.uri);
  });
  afterAll(async () => {
    await internal?.close();
    await server?.stop();
  });
  const started = (): { server: MemoryServer; internal: Client } => {
    if (server === undefined || internal === undefined) throw new Error('server not started (use inside tests)');
    return { server, internal };
  };
  return {
    get server() {
      return started().server;
    },
    get internal() {
      return started().internal;
    },
    async failCommand(mode, data) {
      await started().internal.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
    },
    async withClient(clientOptions, test) {
      const client = new Client(started().server.uri, clientOptions);
      try {
        await test(client, recordCommands(client));
      } finally {
        await client.close();
        await started().internal.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
      }
    },
  };
}
