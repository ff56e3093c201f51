// MONGODB-OIDC end to end: the driver's machine flow (OIDC_CALLBACK and the
// built-in environments) against the embedded server's simulated identity
// provider (HS256-signed JWTs, users `idp/<sub>` in $external), including the
// client token cache, speculative authentication with a cached token, and
// reauthentication after the server's ReauthenticationRequired (391). The
// official driver authenticates against the same simulation as an oracle.
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoOIDCError, MongoServerError } from '../../src/errors.js';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';

const ISSUER = 'https://idp.example';
const AUDIENCE = 'mongrove-test';
const SECRET = 'oidc-test-secret';
const FAIL_FAST = 'serverSelectionTimeoutMS=1500&connectTimeoutMS=2000&retryWrites=false';

function mintToken(claims: Document, secret = SECRET): string {
  const encode = (value: Document): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', exp: Date.now() / 1000 + 3600, ...claims })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

let server: MemoryServer;
const closers: Array<() => Promise<unknown>> = [];

function uri(properties = ''): string {
  return `mongodb://127.0.0.1:${server.port}/?authMechanism=MONGODB-OIDC&${FAIL_FAST}${properties === '' ? '' : `&authMechanismProperties=${properties}`}`;
}

interface CountingCallback {
  (params: Document): Promise<unknown>;
  calls: Document[];
}

/** A callback handing out tokens[i] on its i-th call (the last one thereafter). */
function callbackOf(...tokens: string[]): CountingCallback {
  const calls: Document[] = [];
  const callback = async (params: Document): Promise<{ accessToken: string }> => {
    calls.push(params);
    return { accessToken: tokens[Math.min(calls.length - 1, tokens.length - 1)] };
  };
  return Object.assign(callback, { calls });
}

function oidcClient(callback: CountingCallback, query = ''): Client {
  const client = new Client(`${uri()}${query}`, { authMechanismProperties: { OIDC_CALLBACK: callback } });
  closers.push(() => client.close());
  return client;
}

function adminClient(): Client {
  const client = new Client(`mongodb://admin:admin@127.0.0.1:${server.port}/?${FAIL_FAST}`);
  closers.push(() => client.close());
  return client;
}

async function whoAmI(client: Client): Promise<unknown> {
  const status = await client.db('admin').command({ connectionStatus: 1 });
  return (status.authInfo as Document).authenticatedUsers;
}

beforeAll(async () => {
  server = await MemoryServer.start({
    auth: true,
    users: [
      { user: 'idp/alice', db: '$external', roles: [{ role: 'readWrite', db: 'oidcdb' }] },
      { user: 'admin', pwd: 'admin' },
    ],
    oidc: { issuer: ISSUER, audience: AUDIENCE, secret: SECRET, authNamePrefix: 'idp' },
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  delete process.env.OIDC_TOKEN_FILE;
  delete process.env.AZURE_FEDERATED_TOKEN_FILE;
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
  await server.stop();
});

describe('MONGODB-OIDC machine flow with OIDC_CALLBACK', () => {
  it('authenticates as <authNamePrefix>/<sub>, passing the callback version 1 and an abort signal', async () => {
    const callback = callbackOf(mintToken({}));
    const client = oidcClient(callback);
    expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
    await client.db('oidcdb').collection('c').insertOne({ a: 1 });
    await expect(client.db('other').collection('c').insertOne({ a: 1 })).rejects.toMatchObject({ code: 13 });
    expect(callback.calls).toHaveLength(1);
    expect(callback.calls[0].version).toBe(1);
    expect(callback.calls[0].timeoutContext).toBeInstanceOf(AbortSignal);
  });

  it('shares one cached token among all connections of a client (the callback runs once)', async () => {
    const callback = callbackOf(mintToken({}));
    const client = oidcClient(callback, '&minPoolSize=3');
    let ready = 0;
    client.on('connectionReady', () => {
      ready += 1;
    });
    await client.db('admin').command({ ping: 1 });
    await vi.waitFor(() => expect(ready).toBeGreaterThanOrEqual(3), { timeout: 3000 });
    await Promise.all([1, 2, 3].map((i) => client.db('oidcdb').collection('c').insertOne({ i })));
    expect(callback.calls).toHaveLength(1);
  });

  it('authenticates a new connection speculatively with the cached token (no saslStart needed)', async () => {
    const callback = callbackOf(mintToken({}));
    const client = oidcClient(callback);
    const admin = adminClient();
    await client.db('admin').command({ ping: 1 });
    // A network error closes the client's connection: the next operation needs a new one.
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], closeConnection: true } });
    await expect(client.db('oidcdb').collection('c').insertOne({ a: 1 })).rejects.toThrow();
    // Any saslStart now fails: only the speculative exchange in the hello can authenticate.
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['saslStart'], errorCode: 18 } });
    try {
      expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
      expect(callback.calls).toHaveLength(1);
    } finally {
      await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    }
  });

  it('reauthenticates after ReauthenticationRequired (391) with a fresh token and retries the command once', async () => {
    const shortLived = mintToken({ exp: Date.now() / 1000 + 0.4 });
    const callback = callbackOf(shortLived, mintToken({}));
    const client = oidcClient(callback);
    const admin = adminClient();
    const failures: unknown[] = [];
    client.on('commandFailed', (event: unknown) => failures.push(event));
    await client.db('oidcdb').collection('c').insertOne({ before: 1 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The server now answers 391; a non-retryable operation still succeeds after reauthentication.
    await client.db('oidcdb').collection('c').insertOne({ after: 1 });
    expect(callback.calls).toHaveLength(2);
    expect(failures).toMatchObject([{ commandName: 'insert', failure: { code: 391 } }]);
    expect(await admin.db('oidcdb').collection('c').countDocuments({ after: 1 })).toBeGreaterThanOrEqual(1);
  });

  it('raises the error when reauthentication itself fails', async () => {
    const callback = callbackOf(mintToken({ exp: Date.now() / 1000 + 0.3 }), mintToken({}, 'wrong-secret'));
    const client = oidcClient(callback);
    await client.db('admin').command({ ping: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expect(client.db('oidcdb').collection('c').findOne({})).rejects.toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(2);
  });
});

describe('MONGODB-OIDC failures', () => {
  it('fails with AuthenticationFailed (18) and a message naming MONGODB-OIDC for a badly signed token', async () => {
    const client = oidcClient(callbackOf(mintToken({}, 'not-the-secret')));
    const error = await client
      .db('admin')
      .command({ ping: 1 })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18 });
    expect((error as Error).message).toContain('MONGODB-OIDC authentication on db "$external" failed');
  });

  it('refuses tokens for another audience or issuer, expired ones, and unknown principals', async () => {
    for (const claims of [{ aud: 'other' }, { iss: 'https://evil.example' }, { exp: Date.now() / 1000 - 10 }, { sub: 'mallory' }]) {
      await expect(oidcClient(callbackOf(mintToken(claims))).db('admin').command({ ping: 1 })).rejects.toMatchObject({ code: 18 });
    }
  });

  it('names the callback when it returns no token or throws', async () => {
    const empty = Object.assign(async () => ({}), { calls: [] });
    await expect(oidcClient(empty).db('admin').command({ ping: 1 })).rejects.toThrow(MongoOIDCError);
    const throwing = Object.assign(
      async (): Promise<{ accessToken: string }> => {
        throw new Error('idp down');
      },
      { calls: [] },
    );
    await expect(oidcClient(throwing).db('admin').command({ ping: 1 })).rejects.toThrow(/OIDC_CALLBACK failed: idp down/);
  });

  it('refuses the human flow against a host outside ALLOWED_HOSTS without calling the human callback', async () => {
    const calls: Document[] = [];
    const client = new Client(uri(), {
      authMechanismProperties: {
        OIDC_HUMAN_CALLBACK: async (params: Document) => {
          calls.push(params);
          return { accessToken: mintToken({}) };
        },
        ALLOWED_HOSTS: ['*.example.com'],
      },
    });
    closers.push(() => client.close());
    const error = await client
      .db('admin')
      .command({ ping: 1 })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MongoOIDCError);
    expect((error as Error).message).toMatch(/ALLOWED_HOSTS/);
    expect(calls).toHaveLength(0);
  });
});

describe('MONGODB-OIDC built-in environments', () => {
  it('ENVIRONMENT:test reads the token from the file OIDC_TOKEN_FILE names', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'token');
    writeFileSync(file, `${mintToken({})}\n`);
    process.env.OIDC_TOKEN_FILE = file;
    const client = new Client(uri('ENVIRONMENT:test'));
    closers.push(() => client.close());
    expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
  });

  it('ENVIRONMENT:test without OIDC_TOKEN_FILE says what to set', async () => {
    const client = new Client(uri('ENVIRONMENT:test'));
    closers.push(() => client.close());
    await expect(client.db('admin').command({ ping: 1 })).rejects.toThrow(/OIDC_TOKEN_FILE/);
  });

  it('ENVIRONMENT:k8s reads AZURE_FEDERATED_TOKEN_FILE first', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oidc-')), 'token');
    writeFileSync(file, mintToken({}));
    process.env.AZURE_FEDERATED_TOKEN_FILE = file;
    const client = new Client(uri('ENVIRONMENT:k8s'));
    closers.push(() => client.close());
    expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
  });

  it('ENVIRONMENT:azure asks the instance metadata service for TOKEN_RESOURCE, as client_id the username', async () => {
    const token = mintToken({});
    const requests: Array<{ url: string; headers: unknown }> = [];
    vi.stubGlobal('fetch', async (url: string, init: { headers: unknown }) => {
      requests.push({ url, headers: init.headers });
      return new Response(JSON.stringify({ access_token: token, expires_in: '3599' }), { status: 200 });
    });
    const client = new Client(`mongodb://client-1@127.0.0.1:${server.port}/?authMechanism=MONGODB-OIDC&${FAIL_FAST}`, {
      authMechanismProperties: { ENVIRONMENT: 'azure', TOKEN_RESOURCE: 'api://mongrove' },
    });
    closers.push(() => client.close());
    expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
    const url = new URL(requests[0].url);
    expect(url.origin + url.pathname).toBe('http://169.254.169.254/metadata/identity/oauth2/token');
    expect(Object.fromEntries(url.searchParams)).toEqual({ 'api-version': '2018-02-01', resource: 'api://mongrove', client_id: 'client-1' });
    expect(requests[0].headers).toMatchObject({ Accept: 'application/json', Metadata: 'true' });
  });

  it('ENVIRONMENT:gcp asks the VM metadata server for an identity token; a non-200 answer is an error with its body', async () => {
    const token = mintToken({});
    const urls: string[] = [];
    let status = 200;
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      return new Response(status === 200 ? token : 'no service account', { status });
    });
    const client = new Client(uri(), { authMechanismProperties: { ENVIRONMENT: 'gcp', TOKEN_RESOURCE: 'mongrove-aud' } });
    closers.push(() => client.close());
    expect(await whoAmI(client)).toEqual([{ user: 'idp/alice', db: '$external' }]);
    expect(urls[0]).toBe('http://metadata/computeMetadata/v1/instance/service-accounts/default/identity?audience=mongrove-aud');
    status = 404;
    const failing = new Client(uri(), { authMechanismProperties: { ENVIRONMENT: 'gcp', TOKEN_RESOURCE: 'mongrove-aud' } });
    closers.push(() => failing.close());
    await expect(failing.db('admin').command({ ping: 1 })).rejects.toThrow(/HTTP 404: no service account/);
  });
});

describe('the official driver against the OIDC simulation (oracle)', () => {
  it('authenticates with OIDC_CALLBACK', async () => {
    const token = mintToken({});
    let calls = 0;
    const client = new MongoClient(uri(), {
      authMechanismProperties: {
        OIDC_CALLBACK: async () => {
          calls += 1;
          return { accessToken: token, expiresInSeconds: 3600 };
        },
      },
    });
    closers.push(() => client.close());
    const status = await client.db('admin').command({ connectionStatus: 1 });
    expect((status.authInfo as Document).authenticatedUsers).toEqual([{ user: 'idp/alice', db: '$external' }]);
    expect(calls).toBe(1);
  });
});
