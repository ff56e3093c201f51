// The MONGODB-X509 and PLAIN authenticators against scripted connections (the
// exact commands the auth and handshake specs give), and the server's PLAIN /
// X.509 checks on their own.
import { describe, expect, it } from 'vitest';
import { Binary, type Document } from '../../src/bson.js';
import { MongoRuntimeError, MongoServerError } from '../../src/errors.js';
import { createAuthenticator, type AuthConnection, type ConnectionAuthenticator } from '../../src/auth/authenticator.js';
import { buildCredentials, type MongoCredentials } from '../../src/auth/credentials.js';
import { PlainAuthenticator, plainPayload } from '../../src/auth/plain-authenticator.js';
import { X509Authenticator } from '../../src/auth/x509-authenticator.js';
import { CommandError } from '../../src/server/command-error.js';
import { ExternalDirectory } from '../../src/server/auth/external-directory.js';
import { authenticatePlain, authenticateX509 } from '../../src/server/auth/external-mechanisms.js';
import { UserStore } from '../../src/server/auth/user-store.js';

interface Sent {
  db: string;
  body: Document;
}

function scriptedConnection(replies: Document[]): AuthConnection & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    address: 'test:1',
    sent,
    command(db: string, body: Document) {
      sent.push({ db, body });
      const reply = replies.shift();
      if (reply === undefined) return Promise.reject(new Error('no scripted reply left'));
      if (reply.ok === 0) return Promise.reject(new MongoServerError(reply));
      return Promise.resolve({ body: () => reply });
    },
  };
}

function hello(fields: Document = {}): { get(field: string): unknown } {
  return { get: (field) => fields[field] };
}

function credentials(input: { username?: string; password?: string; mechanism: string; authSource?: string }): MongoCredentials {
  const built = buildCredentials({ userInfoGiven: input.username !== undefined, ...input });
  if (built === undefined) throw new Error('credentials expected');
  return built;
}

const SUBJECT = 'C=IS,ST=Reykjavik,L=Reykjavik,O=MongoDB,OU=Drivers,CN=client';

describe('X509Authenticator', () => {
  it('is what createAuthenticator picks for MONGODB-X509', () => {
    expect(createAuthenticator(credentials({ mechanism: 'MONGODB-X509' }))).toBeInstanceOf(X509Authenticator);
  });

  it('puts the authenticate command in the handshake, with the user only when given', () => {
    const anonymous: Document = {};
    new X509Authenticator(credentials({ mechanism: 'MONGODB-X509' })).prepare(anonymous);
    expect(anonymous.speculativeAuthenticate).toEqual({ authenticate: 1, mechanism: 'MONGODB-X509' });
    const named: Document = {};
    new X509Authenticator(credentials({ mechanism: 'MONGODB-X509', username: SUBJECT })).prepare(named);
    expect(named.speculativeAuthenticate).toEqual({ authenticate: 1, mechanism: 'MONGODB-X509', user: SUBJECT });
  });

  it('sends nothing more when the hello reply carries speculativeAuthenticate', async () => {
    const connection = scriptedConnection([]);
    await new X509Authenticator(credentials({ mechanism: 'MONGODB-X509' })).finish(connection, hello({ speculativeAuthenticate: { dbname: '$external', user: SUBJECT } }));
    expect(connection.sent).toEqual([]);
  });

  it('falls back to the authenticate command on $external without a speculative reply', async () => {
    const connection = scriptedConnection([{ dbname: '$external', user: SUBJECT, ok: 1 }]);
    await new X509Authenticator(credentials({ mechanism: 'MONGODB-X509', username: SUBJECT })).finish(connection, hello());
    expect(connection.sent).toEqual([{ db: '$external', body: { authenticate: 1, mechanism: 'MONGODB-X509', user: SUBJECT } }]);
  });

  it('keeps the server code and says what X.509 needs when it fails', async () => {
    const connection = scriptedConnection([{ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' }]);
    const error = await new X509Authenticator(credentials({ mechanism: 'MONGODB-X509' })).finish(connection, hello()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    expect((error as Error).message).toMatch(/client certificate \(tlsCertificateKeyFile\).*Authentication failed\.$/);
  });

  it('does not authenticate with an arbiter', async () => {
    const connection = scriptedConnection([]);
    await new X509Authenticator(credentials({ mechanism: 'MONGODB-X509' })).finish(connection, hello({ arbiterOnly: true }));
    expect(connection.sent).toEqual([]);
  });
});

describe('PlainAuthenticator', () => {
  it('is what createAuthenticator picks for PLAIN, with $external as the default source', () => {
    const creds = credentials({ mechanism: 'PLAIN', username: 'user', password: 'pencil' });
    expect(creds.source).toBe('$external');
    expect(createAuthenticator(creds)).toBeInstanceOf(PlainAuthenticator);
  });

  it("sends the auth spec's example payload in one saslStart", async () => {
    expect(plainPayload('user', 'pencil').toString('base64')).toBe('AHVzZXIAcGVuY2ls');
    const connection = scriptedConnection([{ conversationId: 1, payload: new Binary(Buffer.alloc(0)), done: true, ok: 1 }]);
    const authenticator = new PlainAuthenticator(credentials({ mechanism: 'PLAIN', username: 'user', password: 'pencil' }));
    const handshake: Document = { hello: 1 };
    const hook: ConnectionAuthenticator = authenticator;
    await hook.prepare(handshake, connection);
    expect(handshake).toEqual({ hello: 1 });
    await authenticator.finish(connection, hello());
    expect(connection.sent).toHaveLength(1);
    const [{ db, body }] = connection.sent;
    expect(db).toBe('$external');
    expect(body).toMatchObject({ saslStart: 1, mechanism: 'PLAIN', autoAuthorize: 1 });
    expect(Buffer.from((body.payload as Binary).buffer).toString('base64')).toBe('AHVzZXIAcGVuY2ls');
  });

  it('uses an explicit authSource', async () => {
    const connection = scriptedConnection([{ conversationId: 1, done: true, ok: 1 }]);
    await new PlainAuthenticator(credentials({ mechanism: 'PLAIN', username: 'u', password: 'p', authSource: 'ldapdb' })).finish(connection, hello());
    expect(connection.sent[0].db).toBe('ldapdb');
  });

  it('names user, source and mechanism on failure, and refuses a conversation that does not end', async () => {
    const creds = credentials({ mechanism: 'PLAIN', username: 'u', password: 'p' });
    const refused = await new PlainAuthenticator(creds)
      .finish(scriptedConnection([{ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' }]), hello())
      .catch((e: unknown) => e);
    expect((refused as Error).message).toBe('authentication failed for user "u" on db "$external" with mechanism PLAIN: Authentication failed.');
    const unfinished = await new PlainAuthenticator(creds).finish(scriptedConnection([{ conversationId: 1, done: false, ok: 1 }]), hello()).catch((e: unknown) => e);
    expect(unfinished).toBeInstanceOf(MongoRuntimeError);
    expect((unfinished as Error).message).toMatch(/did not complete the PLAIN conversation in one step/);
  });
});

describe('server-side $external checks', () => {
  const users = new UserStore();
  users.create({ user: 'user', db: '$external', roles: [] });
  users.create({ user: SUBJECT, db: '$external', roles: [] });
  const directory = new ExternalDirectory();
  directory.setPassword('user', 'pencil');
  const code = (fn: () => unknown): number | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      return error instanceof CommandError ? error.code : -1;
    }
  };

  it('PLAIN accepts both RFC 4616 forms of the spec example and nothing else', () => {
    expect(authenticatePlain(Buffer.from('AHVzZXIAcGVuY2ls', 'base64'), users, directory)).toEqual({ user: 'user', db: '$external' });
    expect(authenticatePlain(Buffer.from('dXNlcgB1c2VyAHBlbmNpbA==', 'base64'), users, directory)).toEqual({ user: 'user', db: '$external' });
    expect(code(() => authenticatePlain(Buffer.from('other\0user\0pencil'), users, directory))).toBe(18);
    expect(code(() => authenticatePlain(Buffer.from('\0user\0wrong'), users, directory))).toBe(18);
    expect(code(() => authenticatePlain(Buffer.from('\0user'), users, directory))).toBe(18);
    expect(code(() => authenticatePlain(Buffer.from('\0nobody\0pencil'), users, directory))).toBe(18);
  });

  it('X.509 needs a verified subject, a matching user name and a $external user', () => {
    const x509 = (command: Document, db: string, subject: string | undefined): number | undefined => code(() => authenticateX509(command, db, subject, users));
    expect(authenticateX509({ authenticate: 1, mechanism: 'MONGODB-X509' }, '$external', SUBJECT, users)).toEqual({ user: SUBJECT, db: '$external' });
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-X509', user: SUBJECT }, '$external', SUBJECT)).toBeUndefined();
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-X509' }, '$external', undefined)).toBe(18);
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-X509', user: 'CN=x' }, '$external', SUBJECT)).toBe(18);
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-X509' }, '$external', 'CN=unknown')).toBe(18);
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-X509' }, 'admin', SUBJECT)).toBe(18);
    expect(x509({ authenticate: 1, mechanism: 'MONGODB-CR' }, '$external', SUBJECT)).toBe(334);
  });
});
