// The built-in MONGODB-AWS credential chain end to end: AssumeRoleWithWebIdentity,
// ECS and EC2 IMDSv2 served by a local HTTP server standing in for AWS (the
// chain's base URLs are injectable), the credentials then used against the
// embedded server's simulated STS. Also caching until five minutes before
// Expiration, refresh after, cache clearing after a failed authentication,
// and timeouts that name the provider.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { AwsCredentialChain, awsCredentialChainProvider, type AwsCredentialChainOptions } from '../../src/auth/aws/credential-chain.js';
import type { AwsEnvironment } from '../../src/auth/aws/credential-providers.js';
import { MongoAWSError } from '../../src/errors.js';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';

const ACCOUNT = '123456789012';
const KEYS = [
  { accessKeyId: 'ASIAWEB1', secretAccessKey: 'web-secret-1', sessionToken: 'web-token-1', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Web/s1` },
  { accessKeyId: 'ASIAWEB2', secretAccessKey: 'web-secret-2', sessionToken: 'web-token-2', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Web/s2` },
];
const ROLE_USER = `arn:aws:iam::${ACCOUNT}:role/Web`;
const HOUR_MS = 3_600_000;

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** One fake for STS, ECS and IMDS: it records requests and hands out KEYS[current] with `expiration`. */
class FakeAws {
  readonly requests: Recorded[] = [];
  current = 0;
  expiration = new Date(Date.now() + HOUR_MS);
  /** When set, requests get no answer (to exercise timeouts). */
  silent = false;
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.url.startsWith(prefix)).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push({ method: req.method ?? '', url, headers: req.headers });
    if (this.silent) return;
    const key = KEYS[this.current];
    const temporary = { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, Expiration: this.expiration.toISOString() };
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.startsWith('/?Action=AssumeRoleWithWebIdentity') && req.method === 'POST') {
      // STS's JSON protocol: Expiration in epoch seconds, the credentials under Response/Result.
      const credentials = { ...temporary, SessionToken: key.sessionToken, Expiration: this.expiration.getTime() / 1000 };
      json(200, { AssumeRoleWithWebIdentityResponse: { AssumeRoleWithWebIdentityResult: { Credentials: credentials } } });
    } else if (url === '/v2/credentials/task' && req.method === 'GET') {
      json(200, { ...temporary, Token: key.sessionToken, RoleArn: 'task-role' });
    } else if (url === '/latest/api/token' && req.method === 'PUT') {
      res.writeHead(200).end('imds-session-token');
    } else if (url.startsWith('/latest/meta-data/iam/security-credentials/') && req.headers['x-aws-ec2-metadata-token'] !== 'imds-session-token') {
      res.writeHead(401).end('missing token');
    } else if (url === '/latest/meta-data/iam/security-credentials/') {
      res.writeHead(200).end('WebRole\n');
    } else if (url === '/latest/meta-data/iam/security-credentials/WebRole') {
      json(200, { Code: 'Success', Type: 'AWS-HMAC', ...temporary, Token: key.sessionToken });
    } else {
      res.writeHead(404).end(`no route ${req.method ?? ''} ${url}`);
    }
  }
}

let server: MemoryServer;
let fake: FakeAws;
let tokenFile: string;
const clients: Client[] = [];

beforeAll(async () => {
  fake = new FakeAws();
  await fake.start();
  tokenFile = join(mkdtempSync(join(tmpdir(), 'mongrove-aws-')), 'token');
  writeFileSync(tokenFile, 'oidc-token-from-eks\n');
  server = await MemoryServer.start({
    auth: true,
    users: [{ user: ROLE_USER, db: '$external', roles: [{ role: 'read', db: 'awsdb' }] }],
    // Only KEYS[0] is known at first; tests register KEYS[1] when they need a second key to work.
    awsCredentials: [KEYS[0]],
  });
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.current = 0;
  fake.silent = false;
  fake.expiration = new Date(Date.now() + HOUR_MS);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all([server.stop(), fake.stop()]);
});

function chainOptions(env: AwsEnvironment, extra: Partial<AwsCredentialChainOptions> = {}): AwsCredentialChainOptions {
  return { env: () => env, endpoints: { stsUrl: fake.base, ecsUrl: fake.base, ec2Url: fake.base, timeoutMS: 2000 }, ...extra };
}

async function authenticateWith(provider: () => Promise<unknown>): Promise<unknown> {
  const client = new Client(`mongodb://127.0.0.1:${server.port}/?authMechanism=MONGODB-AWS&serverSelectionTimeoutMS=1500`, {
    authMechanismProperties: { AWS_CREDENTIAL_PROVIDER: provider },
  });
  clients.push(client);
  try {
    const status = await client.db('admin').command({ connectionStatus: 1 });
    return (status.authInfo as Document).authenticatedUsers;
  } finally {
    await client.close();
  }
}

const ROLE = [{ user: ROLE_USER, db: '$external' }];
const WEB_ENV = { AWS_WEB_IDENTITY_TOKEN_FILE: '', AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/Web`, AWS_ROLE_SESSION_NAME: 'app1' };

describe('AssumeRoleWithWebIdentity', () => {
  it('exchanges the token file for temporary credentials, with the session name and role given', async () => {
    const provider = awsCredentialChainProvider(chainOptions({ ...WEB_ENV, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile }));
    expect(await authenticateWith(provider)).toEqual(ROLE);
    const request = fake.requests[0];
    const query = new URLSearchParams(request.url.slice(2));
    expect(request.method).toBe('POST');
    expect(request.headers.accept).toBe('application/json');
    expect(Object.fromEntries(query)).toEqual({
      Action: 'AssumeRoleWithWebIdentity',
      RoleSessionName: 'app1',
      RoleArn: WEB_ENV.AWS_ROLE_ARN,
      WebIdentityToken: 'oidc-token-from-eks',
      Version: '2011-06-15',
    });
  });

  it('names the provider and the file when the token file cannot be read', async () => {
    const chain = new AwsCredentialChain(chainOptions({ ...WEB_ENV, AWS_WEB_IDENTITY_TOKEN_FILE: join(tmpdir(), 'no-such-mongrove-token') }));
    await expect(chain.credentials()).rejects.toThrow(/from AssumeRoleWithWebIdentity: cannot read AWS_WEB_IDENTITY_TOKEN_FILE .*no-such-mongrove-token/);
  });

  it('environment keys win over web identity', async () => {
    const chain = new AwsCredentialChain(chainOptions({ ...WEB_ENV, AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' }));
    expect(await chain.credentials()).toEqual({ credentials: { accessKeyId: 'A', secretAccessKey: 'S' }, source: 'environment' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('ECS', () => {
  it('reads the task credentials from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', async () => {
    const provider = awsCredentialChainProvider(chainOptions({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' }));
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/credentials/task']);
  });

  it('times out a silent endpoint with an error naming it', async () => {
    fake.silent = true;
    const chain = new AwsCredentialChain({ ...chainOptions({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' }), endpoints: { ecsUrl: fake.base, timeoutMS: 150 } });
    const error = await chain.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoAWSError);
    expect((error as Error).message).toMatch(/from the ECS endpoint: no response from http:\/\/127\.0\.0\.1:\d+\/v2\/credentials\/task within 150 ms/);
  });

  it('names the HTTP status a failing endpoint answered', async () => {
    const chain = new AwsCredentialChain(chainOptions({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/wrong' }));
    await expect(chain.credentials()).rejects.toThrow(/from the ECS endpoint: .*\/wrong answered HTTP 404/);
  });
});

describe('EC2 IMDSv2', () => {
  it('takes a session token, then the role name, then its credentials', async () => {
    const provider = awsCredentialChainProvider(chainOptions({}));
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/iam/security-credentials/',
      'GET /latest/meta-data/iam/security-credentials/WebRole',
    ]);
    expect(fake.requests[0].headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('30');
  });


  it('when nothing else is configured and IMDS fails, says what else was looked for', async () => {
    const chain = new AwsCredentialChain({ ...chainOptions({}), endpoints: { ec2Url: `${fake.base}/nowhere`, timeoutMS: 2000 } });
    const error = await chain.credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoAWSError);
    expect((error as Error).message).toMatch(/from the EC2 instance metadata service: .*answered HTTP 404.*AWS_CONTAINER_CREDENTIALS_RELATIVE_URI either/);
  });
});

describe('caching temporary credentials', () => {
  it('reuses them until five minutes before Expiration, then fetches again', async () => {
    let now = Date.now();
    const provider = awsCredentialChainProvider(chainOptions({}, { now: () => now }));
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(fake.count('/latest/api/token')).toBe(1);
    now = fake.expiration.getTime() - 5 * 60_000 + 1;
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(fake.count('/latest/api/token')).toBe(2);
  });

  it('once cached, keeps using them even when environment keys appear (the spec)', async () => {
    const env: Record<string, string> = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' };
    const chain = new AwsCredentialChain(chainOptions(env));
    expect((await chain.credentials()).source).toBe('ECS');
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' });
    expect((await chain.credentials()).source).toBe('cache');
  });

  it('does not cache credentials already within five minutes of Expiration', async () => {
    fake.expiration = new Date(Date.now() + 60_000);
    const chain = new AwsCredentialChain(chainOptions({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' }));
    await chain.credentials();
    expect((await chain.credentials()).source).toBe('ECS');
    expect(fake.count('/v2/credentials/task')).toBe(2);
  });

  it('clears the cache when authentication fails, so the next attempt fetches new credentials', async () => {
    // The endpoint hands out KEYS[1], which the server does not know yet: authentication fails.
    fake.current = 1;
    const provider = awsCredentialChainProvider(chainOptions({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' }));
    await expect(authenticateWith(provider)).rejects.toMatchObject({ code: 18 });
    expect(fake.count('/v2/credentials/task')).toBe(1);
    // AWS rotates to KEYS[0]: a cache kept past the failure would still send KEYS[1] and fail again.
    fake.current = 0;
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(fake.count('/v2/credentials/task')).toBe(2);
  });
});

describe('AssumeRoleWithWebIdentity without AWS_ROLE_SESSION_NAME (prose: with and without it)', () => {
  it('chooses a random session name', async () => {
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: WEB_ENV.AWS_ROLE_ARN };
    expect(await authenticateWith(awsCredentialChainProvider(chainOptions(env)))).toEqual(ROLE);
    expect(await authenticateWith(awsCredentialChainProvider(chainOptions(env)))).toEqual(ROLE);
    const names = fake.requests.map((r) => new URLSearchParams(r.url.slice(2)).get('RoleSessionName'));
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^mongrove-[0-9a-f]{16}$/);
    expect(names[0]).not.toBe(names[1]);
  });
});

describe('prose tests: Cached Credentials (auth/tests/mongodb-aws.md)', () => {
  const ECS = { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/task' };

  it('refreshes near-expiry credentials and clears a poisoned cache after the failure', async () => {
    const chain = new AwsCredentialChain(chainOptions(ECS));
    const provider = awsCredentialChainProvider(chain);
    chain.clearCache();
    expect(await authenticateWith(provider)).toEqual(ROLE);
    const first = chain.cache;
    expect(first?.accessKeyId).toBe(KEYS[0].accessKeyId);
    if (first === undefined) throw new Error('expected a cached credential');
    const nearExpiry = new Date(Date.now() + 60_000);
    chain.cache = { ...first, expiration: nearExpiry };
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(chain.cache?.expiration?.getTime()).toBe(fake.expiration.getTime());
    chain.cache = { ...first, accessKeyId: 'AKIAPOISONED' };
    await expect(authenticateWith(provider)).rejects.toMatchObject({ code: 18 });
    expect(chain.cache).toBeUndefined();
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(chain.cache).toBeDefined();
  });

  it('does not cache environment credentials, and prefers a valid cache over later environment variables', async () => {
    const env: Record<string, string | undefined> = { ...ECS };
    const chain = new AwsCredentialChain(chainOptions(env));
    const provider = awsCredentialChainProvider(chain);
    const setKeys = (accessKeyId?: string, secretAccessKey?: string, sessionToken?: string): void => {
      Object.assign(env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken });
    };
    chain.clearCache();
    expect(await authenticateWith(provider)).toEqual(ROLE);
    const cached = chain.cache;
    if (cached === undefined) throw new Error('expected a cached credential');
    setKeys(cached.accessKeyId, cached.secretAccessKey, cached.sessionToken);
    chain.clearCache();
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(chain.cache).toBeUndefined();
    setKeys('AKIAINVALID', 'invalid');
    await expect(authenticateWith(provider)).rejects.toMatchObject({ code: 18 });
    setKeys();
    chain.clearCache();
    expect(await authenticateWith(provider)).toEqual(ROLE);
    expect(chain.cache).toBeDefined();
    setKeys('AKIAINVALID', 'invalid');
    expect(await authenticateWith(provider)).toEqual(ROLE);
    setKeys();
  });
});
