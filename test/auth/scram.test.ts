import { describe, expect, it } from 'vitest';
import { Binary, type Document } from '../../src/bson.js';
import { MongoCompatibilityError, MongoRuntimeError, MongoServerError } from '../../src/errors.js';
import { buildCredentials } from '../../src/auth/credentials.js';
import { createAuthenticator, type AuthConnection } from '../../src/auth/authenticator.js';
import { ScramAuthenticator, negotiatedMechanism } from '../../src/auth/scram-authenticator.js';
import { escapeUsername, mongoPasswordDigest, ScramConversation, scramSecret, type ScramKeys } from '../../src/auth/scram.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const bytes = (value: string): Buffer => Buffer.from(value, 'utf8');

describe('SCRAM conversation (RFC vectors)', () => {
  it('reproduces the RFC 7677 SCRAM-SHA-256 example', async () => {
    const conversation = new ScramConversation({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil', clientNonce: 'rOprNGfwEbeRWgbNEkqO' });
    expect(text(conversation.clientFirst())).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await conversation.clientFinal(bytes('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    expect(text(final)).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => conversation.verifyServerFinal(bytes('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).not.toThrow();
  });

  it('reproduces the RFC 5802 SCRAM-SHA-1 example with the MongoDB password digest', async () => {
    // The auth spec's SHA-1 example: same nonces and salt as RFC 5802, keyed by HEX(MD5("user:mongo:pencil")).
    const conversation = new ScramConversation({ mechanism: 'SCRAM-SHA-1', username: 'user', password: 'pencil', clientNonce: 'fyko+d2lbbFgONRv9qkxdawL' });
    expect(text(conversation.clientFirst())).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = await conversation.clientFinal(bytes('r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,s=rQ9ZY3MntBeuP3E1TDVC4w==,i=10000'));
    expect(text(final)).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawLHo+Vgk7qvUOKUwuWLIWg4l/9SraGMHEE,p=MC2T8BvbmWRckDw8oWl5IVghwCY=');
    expect(() => conversation.verifyServerFinal(bytes('v=UMWeI25JD1yNYZRMpZ4VHvhZ9e0='))).not.toThrow();
  });

  it('reproduces RFC 5802 itself when the secret is the plain password', async () => {
    // RFC 5802 section 5 uses the raw password; scramSecret("SCRAM-SHA-1") would digest it, so check the digest separately.
    expect(mongoPasswordDigest('user', 'pencil')).toBe('1c33006ec1ffd90f9cadcbcc0e118200');
    expect(scramSecret('SCRAM-SHA-1', 'user', 'pencil')).toBe('1c33006ec1ffd90f9cadcbcc0e118200');
  });

  it('SASLpreps SHA-256 passwords but never SHA-1 passwords or usernames', () => {
    expect(scramSecret('SCRAM-SHA-256', 'IX', 'I\u00ADX')).toBe('IX');
    expect(scramSecret('SCRAM-SHA-256', '\u2168', '\u2163')).toBe('IV');
    expect(scramSecret('SCRAM-SHA-1', 'u', 'I\u00ADX')).toBe(mongoPasswordDigest('u', 'I\u00ADX'));
    expect(escapeUsername('a=b,c')).toBe('a=3Db=2Cc');
    const conversation = new ScramConversation({ mechanism: 'SCRAM-SHA-256', username: '\u2168,x', password: 'p', clientNonce: 'abc' });
    expect(text(conversation.clientFirst())).toBe('n,,n=\u2168=2Cx,r=abc');
  });

  it('rejects a password SASLprep forbids', () => {
    expect(() => scramSecret('SCRAM-SHA-256', 'u', 'a\u0007b')).toThrow(/SASLprep/);
  });
});

describe('SCRAM validation of what the server sends', () => {
  const start = (): ScramConversation => new ScramConversation({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil', clientNonce: 'clientnonce' });

  it.each([
    ['a nonce that does not extend the client nonce', 'r=othernonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', /invalid SCRAM nonce/],
    ['a nonce equal to the client nonce', 'r=clientnonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', /invalid SCRAM nonce/],
    ['an iteration count below 4096', 'r=clientnonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095', /below the minimum of 4096/],
    ['a non-numeric iteration count', 'r=clientnonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=lots', /invalid SCRAM iteration count/],
    ['a salt that is not base64', 'r=clientnonceXYZ,s=not base64!,i=4096', /invalid SCRAM salt/],
    ['a missing salt', 'r=clientnonceXYZ,i=4096', /malformed/],
    ['a mandatory extension', 'm=ext,r=clientnonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096', /extension/],
  ])('rejects %s', async (_name, serverFirst, message) => {
    const error = await start()
      .clientFinal(bytes(serverFirst))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoRuntimeError);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a server signature that does not verify', async () => {
    const conversation = start();
    await conversation.clientFinal(bytes('r=clientnonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    expect(() => conversation.verifyServerFinal(bytes('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toThrow('server signature did not verify');
    expect(() => conversation.verifyServerFinal(bytes('e=invalid-proof'))).toThrow(/invalid-proof/);
  });

  it('uses the key cache instead of re-deriving', async () => {
    const cache = new Map<string, ScramKeys>();
    const serverFirst = bytes('r=clientnonceXYZ,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    const first = await new ScramConversation({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil', clientNonce: 'clientnonce', cache }).clientFinal(serverFirst);
    expect(cache.size).toBe(1);
    // A wrong password with a warm cache still produces the cached (right) proof: the cache is per credential.
    const second = await new ScramConversation({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'other', clientNonce: 'clientnonce', cache }).clientFinal(serverFirst);
    expect(text(second)).toBe(text(first));
  });
});

/** Replays the auth spec's SCRAM-SHA-256 conversation as a scripted server. */
function scriptedConnection(replies: Document[]): AuthConnection & { sent: Document[] } {
  const sent: Document[] = [];
  return {
    address: 'test:1',
    sent,
    command(_db: string, body: Document) {
      sent.push(body);
      const reply = replies.shift();
      if (reply === undefined) return Promise.reject(new Error('no scripted reply left'));
      if (reply.ok === 0) return Promise.reject(new MongoServerError(reply));
      return Promise.resolve({ body: () => reply });
    },
  };
}

const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';
const bin = (value: string): Binary => new Binary(bytes(value));

describe('ScramAuthenticator', () => {
  const credentials = (uriMechanism?: string) =>
    buildCredentials({ userInfoGiven: true, username: 'user', password: 'pencil', authSource: 'admin', mechanism: uriMechanism });

  it('negotiates SHA-256 only when the server lists it', () => {
    expect(negotiatedMechanism(['SCRAM-SHA-1', 'SCRAM-SHA-256'])).toBe('SCRAM-SHA-256');
    expect(negotiatedMechanism(['SCRAM-SHA-1', 'UNKNOWN'])).toBe('SCRAM-SHA-1');
    expect(negotiatedMechanism(undefined)).toBe('SCRAM-SHA-1');
  });

  it('adds saslSupportedMechs and speculativeAuthenticate to the hello, and finishes from the speculative reply', async () => {
    const creds = credentials();
    if (creds === undefined) throw new Error('credentials expected');
    const auth = new ScramAuthenticator(creds, { nonceSource: () => 'rOprNGfwEbeRWgbNEkqO' });
    const connection = scriptedConnection([{ conversationId: 1, done: true, payload: bin(SERVER_FINAL), ok: 1 }]);
    const hello: Document = { hello: 1 };
    auth.prepare(hello, connection);
    expect(hello.saslSupportedMechs).toBe('admin.user');
    expect(hello.speculativeAuthenticate).toMatchObject({ saslStart: 1, mechanism: 'SCRAM-SHA-256', db: 'admin', options: { skipEmptyExchange: true } });
    const reply = { saslSupportedMechs: ['SCRAM-SHA-256'], speculativeAuthenticate: { conversationId: 1, done: false, payload: bin(SERVER_FIRST) } };
    await auth.finish(connection, { get: (field) => (reply as Document)[field] });
    expect(connection.sent.map((c) => Object.keys(c)[0])).toEqual(['saslContinue']);
    expect(text((connection.sent[0].payload as Binary).buffer)).toContain('p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  });

  it('runs saslStart when the server ignored speculative auth, and sends the empty round an old server wants', async () => {
    const creds = credentials('SCRAM-SHA-256');
    if (creds === undefined) throw new Error('credentials expected');
    const auth = new ScramAuthenticator(creds, { nonceSource: () => 'rOprNGfwEbeRWgbNEkqO' });
    const connection = scriptedConnection([
      { conversationId: 7, done: false, payload: bin(SERVER_FIRST), ok: 1 },
      { conversationId: 7, done: false, payload: bin(SERVER_FINAL), ok: 1 },
      { conversationId: 7, done: true, payload: bin(''), ok: 1 },
    ]);
    const hello: Document = { hello: 1 };
    auth.prepare(hello, connection);
    expect(hello.saslSupportedMechs).toBeUndefined();
    await auth.finish(connection, { get: () => undefined });
    expect(connection.sent.map((c) => Object.keys(c)[0])).toEqual(['saslStart', 'saslContinue', 'saslContinue']);
    expect(connection.sent[1].conversationId).toBe(7);
  });

  it('does not authenticate with an arbiter', async () => {
    const creds = credentials();
    if (creds === undefined) throw new Error('credentials expected');
    const connection = scriptedConnection([]);
    const auth = new ScramAuthenticator(creds);
    auth.prepare({ hello: 1 }, connection);
    await auth.finish(connection, { get: (field) => (field === 'arbiterOnly' ? true : undefined) });
    expect(connection.sent).toEqual([]);
  });

  it('wraps server refusals with the user, db and mechanism, keeping code 18', async () => {
    const creds = credentials('SCRAM-SHA-1');
    if (creds === undefined) throw new Error('credentials expected');
    const auth = new ScramAuthenticator(creds);
    const connection = scriptedConnection([{ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' }]);
    const error = await auth.finish(connection, { get: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    expect((error as Error).message).toBe('authentication failed for user "user" on db "admin" with mechanism SCRAM-SHA-1: Authentication failed.');
  });

  it('fails when the server signature does not verify', async () => {
    const creds = credentials('SCRAM-SHA-256');
    if (creds === undefined) throw new Error('credentials expected');
    const auth = new ScramAuthenticator(creds, { nonceSource: () => 'rOprNGfwEbeRWgbNEkqO' });
    const connection = scriptedConnection([
      { conversationId: 1, done: false, payload: bin(SERVER_FIRST), ok: 1 },
      { conversationId: 1, done: true, payload: bin('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5='), ok: 1 },
    ]);
    const error = await auth.finish(connection, { get: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoRuntimeError);
    expect((error as Error).message).toBe('server signature did not verify');
  });

  it.each(['GSSAPI'])('refuses %s with a compatibility error', (mechanism) => {
    const creds = buildCredentials({
      userInfoGiven: mechanism !== 'MONGODB-AWS',
      username: mechanism === 'MONGODB-AWS' ? undefined : 'CN=u',
      password: mechanism === 'PLAIN' ? 'p' : undefined,
      mechanism,
    });
    if (creds === undefined) throw new Error('credentials expected');
    expect(() => createAuthenticator(creds)).toThrow(MongoCompatibilityError);
    expect(() => createAuthenticator(creds)).toThrow(`authentication mechanism ${mechanism} is not supported by mongrove yet`);
  });
});
