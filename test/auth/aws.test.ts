// MONGODB-AWS end to end: mongrove's Client against the embedded server, whose
// simulated STS verifies the SigV4 signature itself (src/server/auth/aws-sts-simulation.ts).
// Credentials come from the environment, or from the built-in provider chain
// pointed at small local HTTP servers standing in for STS, ECS and EC2 IMDS.
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Binary, serialize, type Document } from '../../src/bson.js';
import { MongoAWSError, MongoServerError } from '../../src/errors.js';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';
import { firstOperationError } from '../support/first-operation-error.js';

const ALICE = { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice/secret+key', arn: 'arn:aws:iam::123456789012:user/alice' };
const TEMP = { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken: 'temp-session-token', arn: 'arn:aws:sts::123456789012:assumed-role/Web/sess' };
const ROLE_USER = 'arn:aws:iam::123456789012:role/Web';
const STRANGER = { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'stranger-secret', arn: 'arn:aws:iam::123456789012:user/nobody' };
const AWS_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
const FAIL_FAST = 'serverSelectionTimeoutMS=1500&connectTimeoutMS=2000';

let server: MemoryServer;
let regionalServer: MemoryServer;
let badHostServer: MemoryServer;
const closers: Array<() => Promise<unknown>> = [];

function uri(target: MemoryServer): string {
  return `mongodb://127.0.0.1:${target.port}/?authMechanism=MONGODB-AWS&${FAIL_FAST}`;
}

function mongrove(target: MemoryServer, provider?: () => Promise<unknown>): Client {
  const client = new Client(uri(target), provider === undefined ? {} : { authMechanismProperties: { AWS_CREDENTIAL_PROVIDER: provider } });
  closers.push(() => client.close());
  return client;
}

async function whoAmI(client: Client): Promise<unknown> {
  const status = await client.db('admin').command({ connectionStatus: 1 });
  return (status.authInfo as Document).authenticatedUsers;
}

function setEnv(values: Partial<Record<(typeof AWS_ENV)[number], string>>): void {
  for (const name of AWS_ENV) {
    const value = values[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

beforeAll(async () => {
  const users = [
    { user: ALICE.arn, db: '$external', roles: [{ role: 'readWrite', db: 'awsdb' }] },
    { user: ROLE_USER, db: '$external', roles: [{ role: 'read', db: 'awsdb' }] },
    { user: 'admin', pwd: 'admin' },
  ];
  const awsCredentials = [ALICE, TEMP, STRANGER];
  server = await MemoryServer.start({ auth: true, users, awsCredentials });
  regionalServer = await MemoryServer.start({ auth: true, users, awsCredentials, awsStsHost: 'sts.us-west-2.amazonaws.com' });
  badHostServer = await MemoryServer.start({ auth: true, users, awsCredentials, awsStsHost: 'sts..com' });
});

afterEach(() => setEnv({}));

afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
  await Promise.all([server.stop(), regionalServer.stop(), badHostServer.stop()]);
});

describe('MONGODB-AWS with credentials from the environment', () => {
  it('authenticates as the ARN user and gets its roles', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
    const client = mongrove(server);
    expect(await whoAmI(client)).toEqual([{ user: ALICE.arn, db: '$external' }]);
    await client.db('awsdb').collection('c').insertOne({ a: 1 });
    await expect(client.db('other').collection('c').insertOne({ a: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('signs for the region of a regional STS host', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
    expect(await whoAmI(mongrove(regionalServer))).toEqual([{ user: ALICE.arn, db: '$external' }]);
  });

  it('fails with AuthenticationFailed and a message naming MONGODB-AWS when the secret is wrong', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    const error = await firstOperationError(mongrove(server));
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18 });
    expect((error as Error).message).toContain('MONGODB-AWS authentication failed on db "$external"');
  });

  it('uses AWS_SESSION_TOKEN for temporary credentials; an assumed role authenticates as the role user', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: TEMP.accessKeyId, AWS_SECRET_ACCESS_KEY: TEMP.secretAccessKey, AWS_SESSION_TOKEN: TEMP.sessionToken });
    const client = mongrove(server);
    expect(await whoAmI(client)).toEqual([{ user: ROLE_USER, db: '$external' }]);
  });

  it('fails when temporary credentials come without their session token, or with a wrong one', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: TEMP.accessKeyId, AWS_SECRET_ACCESS_KEY: TEMP.secretAccessKey });
    expect(await firstOperationError(mongrove(server))).toMatchObject({ code: 18 });
    setEnv({ AWS_ACCESS_KEY_ID: TEMP.accessKeyId, AWS_SECRET_ACCESS_KEY: TEMP.secretAccessKey, AWS_SESSION_TOKEN: 'forged' });
    expect(await firstOperationError(mongrove(server))).toMatchObject({ code: 18 });
  });

  it('fails when the ARN names no $external user', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: STRANGER.accessKeyId, AWS_SECRET_ACCESS_KEY: STRANGER.secretAccessKey });
    expect(await firstOperationError(mongrove(server))).toMatchObject({ code: 18 });
  });

  it('refuses an STS host the spec calls invalid, before signing anything', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
    const error = await firstOperationError(mongrove(badHostServer));
    expect(error).toBeInstanceOf(MongoAWSError);
    expect((error as Error).message).toContain('STS host "sts..com" has an empty label');
  });

  it('names the missing variable when only one key is set', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId });
    const error = await firstOperationError(mongrove(server));
    expect(error).toBeInstanceOf(MongoAWSError);
    expect((error as Error).message).toContain('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not');
  });

  it('asks AWS_CREDENTIAL_PROVIDER first, before the environment', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    let calls = 0;
    const provider = (): Promise<unknown> => {
      calls++;
      return Promise.resolve({ accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey });
    };
    expect(await whoAmI(mongrove(server, provider))).toEqual([{ user: ALICE.arn, db: '$external' }]);
    expect(calls).toBeGreaterThan(0);
  });

  it('reports a failing AWS_CREDENTIAL_PROVIDER by name', async () => {
    const error = await firstOperationError(mongrove(server, () => Promise.reject(new Error('profile not found'))));
    expect(error).toBeInstanceOf(MongoAWSError);
    expect((error as Error).message).toContain('AWS_CREDENTIAL_PROVIDER failed: profile not found');
  });

  it('the official driver authenticates against the simulation too (oracle of the wire conversation)', async () => {
    setEnv({ AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey });
    const client = new MongoClient(uri(server));
    closers.push(() => client.close());
    const status = await client.db('admin').command({ connectionStatus: 1 });
    expect((status.authInfo as Document).authenticatedUsers).toEqual([{ user: ALICE.arn, db: '$external' }]);
  });
});

describe('the simulated server side of MONGODB-AWS', () => {
  /** The official driver: mongrove's Client refuses the database name '$external' for ordinary commands. */
  function admin(): MongoClient {
    const client = new MongoClient(`mongodb://admin:admin@127.0.0.1:${server.port}/?${FAIL_FAST}`);
    closers.push(() => client.close());
    return client;
  }

  it('refuses a client nonce that is not 32 bytes, and a channel-binding flag', async () => {
    const db = admin().db('$external');
    const start = (r: Buffer, p: number): Promise<Document> => db.command({ saslStart: 1, mechanism: 'MONGODB-AWS', payload: new Binary(Buffer.from(serialize({ r: new Binary(r), p }))) });
    await expect(start(Buffer.alloc(16), 110)).rejects.toMatchObject({ code: 2 });
    await expect(start(Buffer.alloc(32), 112)).rejects.toMatchObject({ code: 2 });
    const reply = await start(Buffer.alloc(32, 7), 110);
    expect(reply).toMatchObject({ conversationId: 1, done: false });
  });

  it('offers MONGODB-AWS only on $external', async () => {
    const payload = new Binary(Buffer.from(serialize({ r: new Binary(Buffer.alloc(32)), p: 110 })));
    await expect(admin().db('admin').command({ saslStart: 1, mechanism: 'MONGODB-AWS', payload })).rejects.toMatchObject({ code: 334 });
  });
});
