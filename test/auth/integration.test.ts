// SCRAM end to end: mongrove's Client, the official driver and mongosh against
// the embedded server started with access control.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';
import { MongoCompatibilityError, MongoServerError } from '../../src/errors.js';
import { MemoryServer } from '../../src/server/index.js';

const QUICK = 'serverSelectionTimeoutMS=3000&connectTimeoutMS=3000';

let server: MemoryServer;
const clients: Array<{ close(): Promise<void> }> = [];

function uri(userInfo: string, options = ''): string {
  return `mongodb://${userInfo}@127.0.0.1:${server.port}/?authSource=admin&${QUICK}${options}`;
}

function mongrove(userInfo: string, options = ''): Client {
  const client = new Client(uri(userInfo, options));
  clients.push(client);
  return client;
}

function official(userInfo: string, options = ''): MongoClient {
  const client = new MongoClient(uri(userInfo, options));
  clients.push(client);
  return client;
}

/** Fails every saslStart sent as a command (the admin client is already authenticated). */
async function failSaslStart(admin: Client, on: boolean): Promise<void> {
  await admin.db('admin').command({
    configureFailPoint: 'failCommand',
    mode: on ? 'alwaysOn' : 'off',
    data: { failCommands: ['saslStart'], errorCode: 18 },
  });
}

beforeAll(async () => {
  server = await MemoryServer.start({
    auth: true,
    users: [
      { user: 'user', pwd: 'pencil' },
      { user: 'sha1', pwd: 'sha1', mechanisms: ['SCRAM-SHA-1'] },
      { user: 'sha256', pwd: 'sha256', mechanisms: ['SCRAM-SHA-256'] },
      { user: 'IX', pwd: 'IX', mechanisms: ['SCRAM-SHA-256'] },
      { user: '\u2168', pwd: '\u2163', mechanisms: ['SCRAM-SHA-256'] },
      { user: 'app', pwd: 'secret', db: 'appdb' },
    ],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await server.stop();
});

describe('mongrove Client with SCRAM against MemoryServer --auth', () => {
  it.each([
    ['negotiated (SHA-256)', 'user:pencil', ''],
    ['SCRAM-SHA-256', 'user:pencil', '&authMechanism=SCRAM-SHA-256'],
    ['SCRAM-SHA-1', 'user:pencil', '&authMechanism=SCRAM-SHA-1'],
    ['negotiated for a SHA-1-only user', 'sha1:sha1', ''],
    ['negotiated for a SHA-256-only user', 'sha256:sha256', ''],
    ['SASLprep: IX / IX', 'IX:IX', ''],
    ['SASLprep: IX / I\\u00ADX', 'IX:I%C2%ADX', ''],
    ['SASLprep: \\u2168 / IV', '%E2%85%A8:IV', ''],
    ['SASLprep: \\u2168 / I\\u00ADV', '%E2%85%A8:I%C2%ADV', ''],
  ])('authenticates %s and runs a command that needs authentication', async (_name, userInfo, options) => {
    const client = mongrove(userInfo, options);
    const db = client.db('data');
    await db.collection('items').insertOne({ n: 1 });
    expect(await db.command({ count: 'items' })).toMatchObject({ ok: 1 });
  });

  it('authenticates against a non-admin authSource', async () => {
    const client = new Client(`mongodb://app:secret@127.0.0.1:${server.port}/appdb?${QUICK}`);
    clients.push(client);
    expect(await client.db('appdb').command({ count: 'items' })).toMatchObject({ ok: 1 });
  });

  it('speculative authentication needs no saslStart; negotiation down to SHA-1 does', async () => {
    const admin = mongrove('user:pencil');
    await admin.db('admin').command({ ping: 1 });
    await failSaslStart(admin, true);
    try {
      // SHA-256 (negotiated or explicit) and explicit SHA-1 finish from hello's speculativeAuthenticate reply.
      await mongrove('user:pencil').db('x').command({ count: 'items' });
      await mongrove('user:pencil', '&authMechanism=SCRAM-SHA-1').db('x').command({ count: 'items' });
      // A SHA-1-only user cannot finish the speculative SHA-256 attempt: the driver falls back to saslStart, which fails here.
      const error = await mongrove('sha1:sha1').db('x').command({ count: 'items' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as Error).message).toMatch(/user "sha1".*SCRAM-SHA-1/);
    } finally {
      await failSaslStart(admin, false);
    }
  });

  it.each([
    ['a wrong password', 'user:wrong', '', 'user', 'SCRAM-SHA-256'],
    ['a wrong password with SCRAM-SHA-1', 'user:wrong', '&authMechanism=SCRAM-SHA-1', 'user', 'SCRAM-SHA-1'],
    ['a mechanism the user lacks', 'sha1:sha1', '&authMechanism=SCRAM-SHA-256', 'sha1', 'SCRAM-SHA-256'],
    ['a mechanism the user lacks (SHA-1)', 'sha256:sha256', '&authMechanism=SCRAM-SHA-1', 'sha256', 'SCRAM-SHA-1'],
    ['an unknown user', 'nobody:x', '', 'nobody', 'SCRAM-SHA-1'],
  ])('fails with %s: a typed error naming the user and mechanism', async (_name, userInfo, options, user, mechanism) => {
    const error = await mongrove(userInfo, options)
      .db('x')
      .command({ ping: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    expect((error as Error).message).toBe(`authentication failed for user "${user}" on db "admin" with mechanism ${mechanism}: Authentication failed.`);
  });

  it('marks the server Unknown and clears its pool when authentication fails (SDAM error handling)', async () => {
    const client = mongrove('user:wrong');
    const cleared: string[] = [];
    const unknown: string[] = [];
    client.on('connectionPoolCleared', (event) => cleared.push(event.address));
    client.on('serverDescriptionChanged', (event) => {
      if (event.previousDescription.type !== 'Unknown' && event.newDescription.type === 'Unknown') unknown.push(event.address);
    });
    await expect(client.db('x').command({ ping: 1 })).rejects.toMatchObject({ code: 18 });
    const address = `127.0.0.1:${server.port}`;
    expect(cleared).toContain(address);
    expect(unknown).toContain(address);
  });

  it('refuses mechanisms it does not implement when connecting', async () => {
    const client = new Client(`mongodb://u@127.0.0.1:${server.port}/?authMechanism=GSSAPI&${QUICK}`);
    clients.push(client);
    await expect(client.connect()).rejects.toThrow(MongoCompatibilityError);
    await expect(client.connect()).rejects.toThrow('authentication mechanism GSSAPI is not supported by mongrove yet');
  });

  it('rejects unauthenticated commands with Unauthorized (13), but allows hello and ping', async () => {
    const client = new Client(`mongodb://127.0.0.1:${server.port}/?${QUICK}`);
    clients.push(client);
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await client.db('admin').command({ hello: 1 })).toMatchObject({ isWritablePrimary: true });
    const error = await client
      .db('data')
      .collection('items')
      .findOne({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 13, codeName: 'Unauthorized', message: 'Command find requires authentication' }); // mongod 7+/8.0 wording (src/mongo/db/commands.cpp)
  });
});

describe('the official driver authenticates against the embedded server', () => {
  it.each([
    ['SCRAM-SHA-256', '&authMechanism=SCRAM-SHA-256'],
    ['SCRAM-SHA-1', '&authMechanism=SCRAM-SHA-1'],
    ['negotiation', ''],
  ])('with %s', async (_name, options) => {
    const client = official('user:pencil', options);
    await client.db('data').collection('official').insertOne({ n: 1 });
    expect(await client.db('data').command({ count: 'items' })).toMatchObject({ ok: 1 });
  });

  it('reports a wrong password as AuthenticationFailed', async () => {
    const error = await official('user:nope')
      .db('x')
      .command({ ping: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 18 });
  });
});

describe('mongosh authenticates against the embedded server', () => {
  it('runs a command after SCRAM authentication', { timeout: 40_000 }, async () => {
    const run = promisify(execFile);
    const { stdout } = await run(
      resolve('node_modules/.bin/mongosh'),
      [`mongodb://user:pencil@127.0.0.1:${server.port}/admin`, '--quiet', '--norc', '--eval', 'db.runCommand({ listCollections: 1 }).ok'],
      { timeout: 30_000, env: { ...process.env, MONGOSH_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' } },
    );
    expect(stdout.trim().split('\n').pop()).toBe('1');
  });
});
