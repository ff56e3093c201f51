// The MONGODB-OIDC human flow's pieces without a client: ALLOWED_HOSTS matching and
// address parsing, the PrincipalStepRequest payload and the IdpInfo reply checks
// (driver), and the simulated IdP's answer to a PrincipalStepRequest (server).
import { describe, expect, it } from 'vitest';
import { Binary, deserialize, serialize } from '../../src/bson.js';
import { MongoOIDCError } from '../../src/errors.js';
import { DEFAULT_OIDC_ALLOWED_HOSTS } from '../../src/auth/credentials.js';
import { assertAllowedHost, hostOf, idpInfoFrom, isAllowedHost, principalStepPayload } from '../../src/auth/oidc/human-flow.js';
import { OidcIdentityProvider } from '../../src/server/auth/oidc-provider.js';
import type { UserStore } from '../../src/server/auth/user-store.js';

describe('ALLOWED_HOSTS', () => {
  it('takes the host out of host:port and [ipv6]:port addresses', () => {
    expect(hostOf('localhost:27017')).toBe('localhost');
    expect(hostOf('[::1]:27017')).toBe('::1');
    expect(hostOf('::1')).toBe('::1');
    expect(hostOf('db.example.com')).toBe('db.example.com');
  });

  it('matches exactly (ignoring case) or, with *., any nested subdomain but not the bare domain', () => {
    expect(isAllowedHost('LocalHost', ['localhost'])).toBe(true);
    expect(isAllowedHost('a.b.mongodb.net', ['*.mongodb.net'])).toBe(true);
    expect(isAllowedHost('mongodb.net', ['*.mongodb.net'])).toBe(false);
    expect(isAllowedHost('evilmongodb.net', ['*.mongodb.net'])).toBe(false);
    expect(isAllowedHost('example.com', [])).toBe(false);
  });

  it('defaults to the spec list (localhost-like hosts and MongoDB domains)', () => {
    expect(() => assertAllowedHost('127.0.0.1:27017', undefined)).not.toThrow();
    expect(() => assertAllowedHost('[::1]:27017', DEFAULT_OIDC_ALLOWED_HOSTS)).not.toThrow();
    expect(() => assertAllowedHost('cluster0.abcde.mongodb.net:27017', undefined)).not.toThrow();
    expect(() => assertAllowedHost('db.example.com:27017', undefined)).toThrow(MongoOIDCError);
    expect(() => assertAllowedHost('db.example.com:27017', undefined)).toThrow(/db\.example\.com is not in ALLOWED_HOSTS/);
  });
});

describe('two-step conversation messages (driver)', () => {
  it('sends { n } only when a username is given', () => {
    const decode = (payload: Binary): unknown => deserialize(payload.buffer.subarray(0, payload.position));
    expect(decode(principalStepPayload('alice'))).toEqual({ n: 'alice' });
    expect(decode(principalStepPayload(undefined))).toEqual({});
  });

  it('reads IdpInfo, clientId and requestScopes optional; refuses a reply without an issuer', () => {
    const reply = (info: object): { payload: Binary } => ({ payload: new Binary(serialize(info)) });
    expect(idpInfoFrom(reply({ issuer: 'https://i', clientId: 'c', requestScopes: ['a'] }))).toEqual({ issuer: 'https://i', clientId: 'c', requestScopes: ['a'] });
    expect(idpInfoFrom(reply({ issuer: 'https://i' }))).toEqual({ issuer: 'https://i' });
    expect(() => idpInfoFrom(reply({ clientId: 'c' }))).toThrow(/no issuer/);
    expect(() => idpInfoFrom(reply({ issuer: 'https://i', requestScopes: 'a' }))).toThrow(/requestScopes/);
    expect(() => idpInfoFrom({ payload: 'not binary' })).toThrow(MongoOIDCError);
  });
});

describe('simulated IdP: PrincipalStepRequest (server)', () => {
  const users = { get: () => undefined } as unknown as UserStore;

  it('answers { n } or {} with its IdpInfo, omitting what is not configured', () => {
    const full = new OidcIdentityProvider({ issuer: 'https://i', audience: 'a', secret: 's', clientId: 'c', requestScopes: ['x'] });
    expect(full.start(Buffer.from(serialize({ n: 'alice' })), users)).toEqual({ kind: 'idpInfo', idpInfo: { issuer: 'https://i', clientId: 'c', requestScopes: ['x'] } });
    const machine = new OidcIdentityProvider({ issuer: 'https://i', audience: 'a', secret: 's' });
    expect(machine.start(Buffer.from(serialize({})), users)).toEqual({ kind: 'idpInfo', idpInfo: { issuer: 'https://i' } });
  });

  it('refuses a non-string principal and an unreadable payload with AuthenticationFailed', () => {
    const provider = new OidcIdentityProvider({ issuer: 'https://i', audience: 'a', secret: 's' });
    expect(() => provider.start(Buffer.from(serialize({ n: 5 })), users)).toThrow(expect.objectContaining({ code: 18 }));
    expect(() => provider.start(Buffer.from([1, 2, 3]), users)).toThrow(expect.objectContaining({ code: 18 }));
  });
});
