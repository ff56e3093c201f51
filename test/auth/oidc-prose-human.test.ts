// The auth spec's MONGODB-OIDC "Human Authentication Flow Prose Tests" (auth/tests/
// mongodb-oidc.md, 1–4) against the embedded server's simulated identity provider,
// which answers the two-step conversation's PrincipalStepRequest with its IdpInfo.
// Not here: 1.3–1.5 (a server with two identity providers selected by user name;
// the simulation configures one).
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoOIDCError, MongoParseError, MongoServerError } from '../../src/errors.js';
import { Client } from '../../src/index.js';
import type { MemoryServer } from '../../src/server/index.js';
import { badToken, CLIENT_ID, findOne, ISSUER, mintToken, ProseEnvironment, recorder, startOidcServer } from './oidc-prose-support.js';

let server: MemoryServer;
let env: ProseEnvironment;

beforeAll(async () => {
  server = await startOidcServer({ requestScopes: ['openid', 'mongrove'] });
  env = new ProseEnvironment(server, 'oidc-prose-human');
});

afterEach(async () => {
  await env.close();
});

afterAll(async () => {
  await server.stop();
});

/** The spec's default human callback: the test_user1 token and a dummy refresh token. */
const goodHuman = (): ReturnType<typeof recorder<{ accessToken: string; refreshToken: string }>> =>
  recorder(() => ({ accessToken: mintToken(), refreshToken: 'dummy-refresh-token' }));

describe('(1) OIDC human callback authentication', () => {
  it('1.1 single principal, implicit username', async () => {
    const callback = goodHuman();
    await findOne(env.client({ OIDC_HUMAN_CALLBACK: callback }));
    expect(callback.calls).toHaveLength(1);
    expect(callback.calls[0].idpInfo).toEqual({ issuer: ISSUER, clientId: CLIENT_ID, requestScopes: ['openid', 'mongrove'] });
  });

  it('1.2 single principal, explicit username (sent as the principal, passed to the callback)', async () => {
    const callback = goodHuman();
    await findOne(env.client({ OIDC_HUMAN_CALLBACK: callback }, '', 'test_user1'));
    expect(callback.calls).toHaveLength(1);
    expect(callback.calls[0].username).toBe('test_user1');
  });

  it('the human callback runs once for several connections authenticating at once', async () => {
    const callback = goodHuman();
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback }, '&maxPoolSize=5');
    await Promise.all(Array.from({ length: 5 }, async () => findOne(client)));
    expect(callback.calls).toHaveLength(1);
  });

  it('1.6 allowed hosts blocked: a client-side error, the callback never called', async () => {
    const emptyList = goodHuman();
    const first = await findOne(env.client({ OIDC_HUMAN_CALLBACK: emptyList, ALLOWED_HOSTS: [] })).then(() => undefined, (e: unknown) => e);
    expect(first).toBeInstanceOf(MongoOIDCError);
    expect((first as Error).message).toMatch(/ALLOWED_HOSTS/);
    expect(emptyList.calls).toHaveLength(0);
    await env.close();
    const exampleOnly = goodHuman();
    const uri = `mongodb://127.0.0.1:${server.port}/?authMechanism=MONGODB-OIDC&retryReads=false&serverSelectionTimeoutMS=2000&appName=example.com`;
    const client = env.track(new Client(uri, { authMechanismProperties: { OIDC_HUMAN_CALLBACK: exampleOnly, ALLOWED_HOSTS: ['example.com'] } }));
    await expect(findOne(client)).rejects.toThrow(MongoOIDCError);
    expect(exampleOnly.calls).toHaveLength(0);
  });

  it('1.6 a wildcard matches (nested) subdomains, not the bare name', async () => {
    const callback = goodHuman();
    await expect(findOne(env.client({ OIDC_HUMAN_CALLBACK: callback, ALLOWED_HOSTS: ['*.127.0.0.1'] }))).rejects.toThrow(/ALLOWED_HOSTS/);
    expect(callback.calls).toHaveLength(0);
    await env.close();
    await findOne(env.client({ OIDC_HUMAN_CALLBACK: callback, ALLOWED_HOSTS: ['*.0.1', 'example.com'] }));
    expect(callback.calls).toHaveLength(1);
  });

  it('1.7 allowed hosts in the connection string are a configuration error', () => {
    const uri = 'mongodb+srv://example.com/?authMechanism=MONGODB-OIDC&authMechanismProperties=ALLOWED_HOSTS:%5B%22example.com%22%5D';
    expect(() => new Client(uri, { authMechanismProperties: { OIDC_HUMAN_CALLBACK: goodHuman() } })).toThrow(MongoParseError);
  });

  it('1.8 machine IdP (no clientId in IdpInfo) with a human callback', async () => {
    const machineServer = await startOidcServer({ clientId: undefined });
    const machineEnv = new ProseEnvironment(machineServer, 'oidc-prose-machine-idp');
    try {
      const callback = recorder(() => ({ accessToken: mintToken({ sub: 'test_machine' }) }));
      await findOne(machineEnv.client({ OIDC_HUMAN_CALLBACK: callback }, '', 'test_machine'));
      expect(callback.calls).toHaveLength(1);
      expect(callback.calls[0].idpInfo).toEqual({ issuer: ISSUER });
    } finally {
      await machineEnv.close();
      await machineServer.stop();
    }
  });
});

describe('the official driver as oracle of the two-step simulation', () => {
  it('authenticates with its OIDC_HUMAN_CALLBACK, receiving the same IdpInfo', async () => {
    const callback = goodHuman();
    const official = new MongoClient(`mongodb://test_user1@127.0.0.1:${server.port}/?authMechanism=MONGODB-OIDC&serverSelectionTimeoutMS=2000`, {
      authMechanismProperties: { OIDC_HUMAN_CALLBACK: callback },
    });
    try {
      await official.db('test').collection('test').findOne({});
    } finally {
      await official.close();
    }
    expect(callback.calls).toHaveLength(1);
    expect(callback.calls[0].idpInfo).toMatchObject({ issuer: ISSUER, clientId: CLIENT_ID });
  });
});

describe('(2) OIDC human callback validation', () => {
  it('2.1 valid callback inputs', async () => {
    const callback = goodHuman();
    await findOne(env.client({ OIDC_HUMAN_CALLBACK: callback }));
    expect(callback.calls).toHaveLength(1);
    const params: Document = callback.calls[0];
    expect(params.version).toBe(1);
    expect(params.timeoutContext).toBeInstanceOf(AbortSignal);
    expect((params.timeoutContext as AbortSignal).aborted).toBe(false);
    expect(params.idpInfo).toMatchObject({ issuer: ISSUER, clientId: CLIENT_ID });
    expect(params.refreshToken).toBeUndefined();
  });

  it('2.2 human callback returns missing data', async () => {
    const callback = recorder(() => ({ refreshToken: 'only a refresh token' }));
    await expect(findOne(env.client({ OIDC_HUMAN_CALLBACK: callback }))).rejects.toThrow(/OIDC_HUMAN_CALLBACK returned no accessToken/);
    expect(callback.calls).toHaveLength(1);
  });

  it('2.3 the refresh token is passed to the callback', async () => {
    const callback = goodHuman();
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await findOne(client);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    expect(callback.calls).toHaveLength(2);
    expect(callback.calls.filter((params) => params.refreshToken !== undefined)).toHaveLength(1);
    expect(callback.calls[1]).toMatchObject({ refreshToken: 'dummy-refresh-token', idpInfo: { issuer: ISSUER } });
  });
});

describe('(3) speculative authentication', () => {
  it('3.1 uses speculative authentication if there is a cached token', async () => {
    const callback = goodHuman();
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await env.failCommand({ times: 1 }, { failCommands: ['find'], closeConnection: true });
    await expect(findOne(client)).rejects.toThrow();
    await env.failCommand({ times: 1 }, { failCommands: ['saslStart'], errorCode: 18 });
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
  });

  it('3.2 does not use speculative authentication if there is no cached token', async () => {
    const callback = goodHuman();
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await env.failCommand({ times: 1 }, { failCommands: ['saslStart'], errorCode: 18 });
    const error = await findOne(client).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(0);
  });
});

describe('(4) reauthentication', () => {
  it('4.1 succeeds (command events: find started twice, failed once, succeeded once)', async () => {
    const callback = goodHuman();
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    const events: { started: string[]; succeeded: string[]; failed: string[] } = { started: [], succeeded: [], failed: [] };
    client.on('commandStarted', (event: { commandName: string }) => events.started.push(event.commandName));
    client.on('commandSucceeded', (event: { commandName: string }) => events.succeeded.push(event.commandName));
    client.on('commandFailed', (event: { commandName: string }) => events.failed.push(event.commandName));
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
    events.started.length = 0;
    events.succeeded.length = 0;
    events.failed.length = 0;
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    expect(callback.calls).toHaveLength(2);
    expect(events.started).toEqual(['find', 'find']);
    expect(events.succeeded).toEqual(['find']);
    expect(events.failed).toEqual(['find']);
  });

  it('4.2 succeeds without a refresh token (a new two-step conversation)', async () => {
    const callback = recorder(() => ({ accessToken: mintToken() }));
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    expect(callback.calls).toHaveLength(2);
    expect(callback.calls[1].refreshToken).toBeUndefined();
  });

  it('4.3 succeeds after refresh fails (as written: the callback returns the test_user1 token and a bad refresh token)', async () => {
    const callback = recorder(() => ({ accessToken: mintToken(), refreshToken: 'bad-refresh-token' }));
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    expect(callback.calls).toHaveLength(2);
  });

  it('4.3 variant: a refreshed token the server refuses falls back to a full two-step conversation', async () => {
    // A bad refresh token: the IdP would hand out no usable token for it, so the refreshed token is refused (18).
    const callback = recorder((_call, params) => ({ accessToken: params.refreshToken === undefined ? mintToken() : badToken(), refreshToken: 'bad-refresh-token' }));
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await findOne(client);
    // The refresh attempt, then a full two-step conversation without the (cleared) refresh token.
    expect(callback.calls).toHaveLength(3);
    expect(callback.calls.map((params) => params.refreshToken)).toEqual([undefined, 'bad-refresh-token', undefined]);
  });

  it('4.4 fails', async () => {
    const callback = recorder((call) => ({ accessToken: call === 0 ? mintToken() : badToken(), refreshToken: 'bad-refresh-token' }));
    const client = env.client({ OIDC_HUMAN_CALLBACK: callback });
    await findOne(client);
    expect(callback.calls).toHaveLength(1);
    await env.failCommand({ times: 1 }, { failCommands: ['find'], errorCode: 391 });
    await expect(findOne(client)).rejects.toMatchObject({ code: 18 });
    expect(callback.calls).toHaveLength(3);
  });
});
