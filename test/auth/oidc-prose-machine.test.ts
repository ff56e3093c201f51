// The auth spec's MONGODB-OIDC machine-flow prose tests (auth/tests/mongodb-oidc.md,
// "Machine Authentication Flow Prose Tests" 1–4) against the embedded server's
// simulated identity provider, in the two environments it can serve: a callback
// that reads the token file, and ENVIRONMENT:test. `[callback-only]` assertions run
// only with the callback. Not here: 5.x (Azure VMs only) and the gcp / azure / k8s
// environments (no metadata service or pod).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoOIDCError, MongoServerError } from '../../src/errors.js';
import type { Client } from '../../src/index.js';
import { oidcCacheForCallback } from '../../src/auth/oidc/token-cache.js';
import type { MemoryServer } from '../../src/server/index.js';
import { badToken, findOne, mintToken, ProseEnvironment, recorder, startOidcServer, type Recorder } from './oidc-prose-support.js';

let server: MemoryServer;
let tokenFile: string;

beforeAll(async () => {
  server = await startOidcServer();
  tokenFile = join(mkdtempSync(join(tmpdir(), 'oidc-prose-')), 'test_user1');
  writeFileSync(tokenFile, mintToken());
});

afterAll(async () => {
  await server.stop();
});

type Mode = 'callback' | 'ENVIRONMENT:test';

/** The server error codes along an error's cause chain. */
function codesInChain(error: unknown): unknown[] {
  const codes: unknown[] = [];
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof MongoServerError) codes.push(e.code);
  return codes;
}

/** The spec's "callback that reads the token file for ENVIRONMENT:test". */
function fileCallback(): Recorder<{ accessToken: string }> {
  return recorder(() => ({ accessToken: readFileSync(tokenFile, 'utf8') }));
}

describe.each<Mode>(['callback', 'ENVIRONMENT:test'])('machine prose tests with %s', (mode) => {
  const callbackOnly = mode === 'callback';
  /** Tests that reach the client's token cache through its callback exist in the callback mode only (no skip in the other). */
  const itWithCallback = (name: string, body: () => Promise<void>): void => {
    if (callbackOnly) it(name, body);
  };
  let env: ProseEnvironment;
  let callback: Recorder<{ accessToken: string }>;

  function oidcClient(query = ''): Client {
    callback = fileCallback();
    return env.client(callbackOnly ? { OIDC_CALLBACK: callback } : { ENVIRONMENT: 'test' }, query);
  }

  beforeAll(() => {
    env = new ProseEnvironment(server, `oidc-prose-${mode.replace(/\W/g, '-')}`);
    if (!callbackOnly) process.env.OIDC_TOKEN_FILE = tokenFile;
  });

  afterEach(async () => {
    await env.close();
  });

  afterAll(() => {
    delete process.env.OIDC_TOKEN_FILE;
  });

  it('1.1 callback is called during authentication', async () => {
    const client = oidcClient();
    await findOne(client);
    if (callbackOnly) expect(callback.calls).toHaveLength(1);
  });

  it('1.2 callback is called once for multiple connections', async () => {
    const client = oidcClient('&maxPoolSize=10');
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 100; i += 1) await findOne(client);
      }),
    );
    if (callbackOnly) expect(callback.calls).toHaveLength(1);
  });

  // The Client Cache is reachable (to poison it) through its callback only.
  itWithCallback('3.1 authentication failure with a cached token fetches a new token and retries', async () => {
    const client = oidcClient();
    await client.connect();
    const cache = oidcCacheForCallback(callback);
    expect(cache).toBeDefined();
    cache?.seed(badToken());
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
  });

  // heartbeatFrequencyMS=500: after the handshake error marks the server Unknown, mongrove's monitor
  // rediscovers it on its next heartbeat (selection does not yet request an immediate check).
  it('3.3 an unexpected error code does not clear the cache', async () => {
    const client = oidcClient('&serverSelectionTimeoutMS=2000&heartbeatFrequencyMS=500');
    await env.failCommand({ times: 1 }, { failCommands: ['saslStart'], errorCode: 20 });
    // The handshake's error may reach the operation wrapped (a server selection error naming it as cause).
    const error = await findOne(client).then(() => undefined, (e: unknown) => e);
    expect(codesInChain(error)).toContain(20);
    if (callbackOnly) expect(callback.calls).toHaveLength(1);
    await findOne(client);
    if (callbackOnly) expect(callback.calls).toHaveLength(1);
  });

  it('4.1 reauthentication succeeds', async () => {
    const client = oidcClient();
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    if (callbackOnly) expect(callback.calls).toHaveLength(2);
  });

  // Populating the Client Cache needs the callback (ENVIRONMENT:test has no handle on it). The 391 here is
  // the server's own (the seeded token expires), since failCommand cannot fail insert and count saslStart at once.
  itWithCallback('4.4 speculative authentication is ignored on reauthentication', async () => {
    const temporaryCallback = recorder(() => ({ accessToken: mintToken({ exp: Date.now() / 1000 + 1 }) }));
    await findOne(env.client({ OIDC_CALLBACK: temporaryCallback }));
    const client = oidcClient();
    await client.connect();
    const warmToken = oidcCacheForCallback(temporaryCallback)?.accessToken;
    expect(warmToken).toBeDefined();
    oidcCacheForCallback(callback)?.seed(String(warmToken));
    await env.countSaslStarts();
    await client.db('test').collection('test').insertOne({ speculative: true });
    expect(callback.calls).toHaveLength(0);
    expect(await env.failCommandOff()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await env.countSaslStarts();
    await client.db('test').collection('test').insertOne({ speculative: false });
    expect(callback.calls).toHaveLength(1);
    expect(await env.failCommandOff()).toBeGreaterThan(0);
  });

  it('4.5 reauthentication succeeds when a session is involved', async () => {
    const client = oidcClient();
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    const session = client.startSession();
    try {
      await client.db('test').collection('test').findOne({}, { session });
    } finally {
      await session.endSession();
    }
    if (callbackOnly) expect(callback.calls).toHaveLength(2);
  });
});

describe('machine prose tests, [callback-only]', () => {
  let env: ProseEnvironment;

  beforeAll(() => {
    env = new ProseEnvironment(server, 'oidc-prose-callback-only');
  });

  afterEach(async () => {
    await env.close();
  });

  it('2.1 valid callback inputs', async () => {
    const callback = recorder(() => ({ accessToken: mintToken() }));
    await findOne(env.client({ OIDC_CALLBACK: callback }));
    expect(callback.calls).toHaveLength(1);
    const params: Document = callback.calls[0];
    expect(params.version).toBe(1);
    expect(params.timeoutContext).toBeInstanceOf(AbortSignal);
    expect((params.timeoutContext as AbortSignal).aborted).toBe(false);
    expect(params.username).toBeUndefined();
    expect(params.idpInfo).toBeUndefined();
  });

  it('2.2 OIDC callback returns null', async () => {
    const callback = recorder(() => null);
    await expect(findOne(env.client({ OIDC_CALLBACK: callback }))).rejects.toThrow(MongoOIDCError);
  });

  it('2.3 OIDC callback returns missing data', async () => {
    const callback = recorder(() => ({ refreshToken: 'no access token here' }));
    await expect(findOne(env.client({ OIDC_CALLBACK: callback }))).rejects.toThrow(/accessToken/);
  });

  it('2.4 invalid client configuration with callback (and ENVIRONMENT:test)', async () => {
    const callback = recorder(() => ({ accessToken: mintToken() }));
    const attempt = async (): Promise<unknown> => findOne(env.client({ OIDC_CALLBACK: callback, ENVIRONMENT: 'test' }));
    await expect(attempt()).rejects.toThrow(/ENVIRONMENT or an OIDC callback, not both/);
    expect(callback.calls).toHaveLength(0);
  });

  it('2.5 invalid use of ALLOWED_HOSTS (with ENVIRONMENT:azure)', async () => {
    const attempt = async (): Promise<unknown> => findOne(env.client({ ENVIRONMENT: 'azure', TOKEN_RESOURCE: 'api://mongrove', ALLOWED_HOSTS: [] }));
    await expect(attempt()).rejects.toThrow(/ALLOWED_HOSTS/);
  });

  it('3.2 authentication failures without cached tokens return an error', async () => {
    const callback = recorder(() => ({ accessToken: badToken() }));
    await expect(findOne(env.client({ OIDC_CALLBACK: callback }))).rejects.toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(1);
  });

  it('4.2 read commands fail if reauthentication fails', async () => {
    const callback = recorder((call) => ({ accessToken: call === 0 ? mintToken() : badToken() }));
    const client = env.client({ OIDC_CALLBACK: callback });
    await findOne(client);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    const error = await findOne(client).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(2);
  });

  it('4.3 write commands fail if reauthentication fails', async () => {
    const callback = recorder((call) => ({ accessToken: call === 0 ? mintToken() : badToken() }));
    const client = env.client({ OIDC_CALLBACK: callback });
    await client.db('test').collection('test').insertOne({ first: true });
    await env.failCommand({ times: 1 }, { failCommands: ['insert'], errorCode: 391 });
    await expect(client.db('test').collection('test').insertOne({ second: true })).rejects.toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(2);
  });
});
