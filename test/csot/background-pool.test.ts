// CSOT prose test 4 (Background Connection Pooling): a pool connection made for minPoolSize
// waits for each authentication reply up to the client's timeoutMS, refreshed for each
// command; its hello, part of establishing the connection, keeps connectTimeoutMS. Against an embedded server with a SCRAM user (access control not
// enforced, so the internal client sets fail points without credentials); appName-scoped
// fail points touch only the test client's connections.
import { describe, expect, it } from 'vitest';
import type { ClientOptions } from '../../src/index.js';
import type { Client } from '../../src/index.js';
import { useCsotServer } from './support.js';

const USER = { user: 'csot', pwd: 'pencil' };
const fixture = useCsotServer({ users: [USER] });

/** The prose tests wait up to 10 s for the CMAP events. */
const EVENT_WAIT_MS = 10_000;

type PoolEvent = 'connectionCreated' | 'connectionReady' | 'connectionClosed';

/**
 * Connects the client and resolves once it published every one of `names`; rejects naming
 * the missing ones after the prose tests' 10 s. (connect() itself is not awaited: without a
 * usable connection it would wait for server selection.)
 */
function connectAndAwait(client: Client, names: readonly PoolEvent[]): Promise<void> {
  const missing = new Set(names);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${[...missing].join(', ')} event within ${EVENT_WAIT_MS} ms`)), EVENT_WAIT_MS);
    for (const name of names) {
      client.once(name, () => {
        missing.delete(name);
        if (missing.size > 0) return;
        clearTimeout(timer);
        resolve();
      });
    }
    client.connect().catch(() => undefined);
  });
}

function poolClientOptions(appName: string, timeoutMS: number | undefined): ClientOptions {
  return {
    appName,
    minPoolSize: 1,
    auth: { username: USER.user, password: USER.pwd },
    ...(timeoutMS !== undefined ? { timeoutMS } : {}),
  };
}

describe('CSOT prose 4. Background Connection Pooling', () => {
  it('timeoutMS used for handshake commands', async () => {
    const appName = 'timeoutBackgroundPoolTest';
    await fixture.failCommand({ times: 1 }, { failCommands: ['saslContinue'], blockConnection: true, blockTimeMS: 15, appName });
    await fixture.withClient(poolClientOptions(appName, 10), async (client) => {
      await connectAndAwait(client, ['connectionCreated', 'connectionClosed']);
    });
  });

  it('timeoutMS is refreshed for each handshake command', async () => {
    const appName = 'refreshTimeoutBackgroundPoolTest';
    await fixture.failCommand('alwaysOn', { failCommands: ['hello', 'isMaster', 'saslContinue'], blockConnection: true, blockTimeMS: 15, appName });
    await fixture.withClient(poolClientOptions(appName, 20), async (client) => {
      await connectAndAwait(client, ['connectionCreated', 'connectionReady']);
    });
  });

  it('the hello keeps connectTimeoutMS: a hello slower than timeoutMS still establishes the connection', async () => {
    // command-execution.json ("command is not sent if RTT is greater than timeoutMS") fills a
    // minPoolSize pool while every hello of its appName is blocked past timeoutMS.
    const appName = 'slowHelloBackgroundPoolTest';
    await fixture.failCommand('alwaysOn', { failCommands: ['hello', 'isMaster'], blockConnection: true, blockTimeMS: 50, appName });
    await fixture.withClient(poolClientOptions(appName, 10), async (client) => {
      await connectAndAwait(client, ['connectionCreated', 'connectionReady']);
    });
  });

  it('timeoutMS 0 puts no limit on authentication replies', async () => {
    const appName = 'infiniteTimeoutBackgroundPoolTest';
    await fixture.failCommand({ times: 1 }, { failCommands: ['saslContinue'], blockConnection: true, blockTimeMS: 15, appName });
    await fixture.withClient(poolClientOptions(appName, 0), async (client) => {
      await connectAndAwait(client, ['connectionCreated', 'connectionReady']);
    });
  });

  it('without timeoutMS the same slow handshake completes (connectTimeoutMS applies)', async () => {
    const appName = 'legacyBackgroundPoolTest';
    await fixture.failCommand({ times: 1 }, { failCommands: ['saslContinue'], blockConnection: true, blockTimeMS: 15, appName });
    await fixture.withClient(poolClientOptions(appName, undefined), async (client) => {
      let closed = 0;
      client.on('connectionClosed', () => closed++);
      await connectAndAwait(client, ['connectionCreated', 'connectionReady']);
      expect(closed).toBe(0);
    });
  });
});
