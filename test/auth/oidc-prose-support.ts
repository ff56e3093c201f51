// Shared set-up of the MONGODB-OIDC prose tests (auth/tests/mongodb-oidc.md) against
// the embedded server's simulated identity provider: HS256 tokens for $external
// users `test_user1` (the spec's OIDC_TOKEN_DIR user) and `test_machine`, counting
// callbacks, fail points scoped by appName, and a saslStart counter built on a
// no-op failCommand (its configureFailPoint reply reports how often it fired).
import { createHmac } from 'node:crypto';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';
import type { MemoryServerOidcOptions } from '../../src/server/auth/oidc-provider.js';

export const ISSUER = 'https://idp.prose.example';
export const AUDIENCE = 'mongrove-prose';
export const CLIENT_ID = 'prose-client-id';
const SECRET = 'oidc-prose-secret';

export function mintToken(claims: Document = {}, secret = SECRET): string {
  const encode = (value: Document): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = { iss: ISSUER, aud: AUDIENCE, sub: 'test_user1', exp: Date.now() / 1000 + 3600, ...claims };
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(body)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A token the server refuses (signed with another key). */
export const badToken = (): string => mintToken({}, 'not-the-secret');

export async function startOidcServer(overrides: Partial<MemoryServerOidcOptions> = {}): Promise<MemoryServer> {
  return MemoryServer.start({
    auth: true,
    users: [
      { user: 'test_user1', db: '$external', roles: [{ role: 'readWrite', db: 'test' }] },
      { user: 'test_machine', db: '$external', roles: [{ role: 'readWrite', db: 'test' }] },
      { user: 'admin', pwd: 'admin' },
    ],
    oidc: { issuer: ISSUER, audience: AUDIENCE, secret: SECRET, clientId: CLIENT_ID, ...overrides },
  });
}

export interface Recorder<R> {
  (params: Document): Promise<R>;
  readonly calls: Document[];
}

/** A callback recording its parameters; `answer(i)` gives the result of the i-th call (0-based). */
export function recorder<R>(answer: (call: number, params: Document) => R): Recorder<R> {
  const calls: Document[] = [];
  const callback = async (params: Document): Promise<R> => {
    calls.push(params);
    return answer(calls.length - 1, params);
  };
  return Object.assign(callback, { calls });
}

export class ProseEnvironment {
  private readonly closers: Array<() => Promise<unknown>> = [];
  private admin: Client | undefined;

  constructor(readonly server: MemoryServer, readonly appName: string) {}

  uri(query = '', user = ''): string {
    const selection = query.includes('serverSelectionTimeoutMS') ? '' : '&serverSelectionTimeoutMS=2000';
    return `mongodb://${user === '' ? '' : `${user}@`}127.0.0.1:${this.server.port}/?authMechanism=MONGODB-OIDC&retryReads=false&appName=${this.appName}${selection}${query}`;
  }

  track(client: Client): Client {
    this.closers.push(() => client.close());
    return client;
  }

  client(properties: Document, query = '', user = ''): Client {
    return this.track(new Client(this.uri(query, user), { authMechanismProperties: properties }));
  }

  private adminClient(): Client {
    this.admin ??= this.track(new Client(`mongodb://admin:admin@127.0.0.1:${this.server.port}/?serverSelectionTimeoutMS=2000`));
    return this.admin;
  }

  /** failCommand for this environment's appName only. */
  async failCommand(mode: Document | string, data: Document): Promise<number> {
    const reply = await this.adminClient()
      .db('admin')
      .command({ configureFailPoint: 'failCommand', mode, data: { ...data, appName: this.appName } });
    return Number(reply.count);
  }

  /** Turns failCommand off; the reply says how many times it fired. */
  async failCommandOff(): Promise<number> {
    const reply = await this.adminClient().db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
    return Number(reply.count);
  }

  /** Starts counting saslStart commands of this appName (a failCommand that only fires, blocking 0 ms). */
  async countSaslStarts(): Promise<void> {
    await this.failCommand('alwaysOn', { failCommands: ['saslStart'], blockConnection: true, blockTimeMS: 0 });
  }

  async close(): Promise<void> {
    await this.failCommandOff().catch(() => undefined);
    await Promise.all(this.closers.splice(0).map((close) => close().catch(() => undefined)));
    this.admin = undefined;
  }
}

export async function findOne(client: Client): Promise<unknown> {
  return client.db('test').collection('test').findOne({});
}
