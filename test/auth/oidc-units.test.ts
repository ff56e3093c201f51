// MONGODB-OIDC pieces without a client: the token cache's serialisation, spacing
// and compare-and-clear invalidation (auth spec, Credential Caching), and the
// server simulation's JWT checks (RS256, alg confusion) and option validation.
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_CALLBACK_SPACING_MS, OidcTokenCache } from '../../src/auth/oidc/token-cache.js';
import { jwtKeyFrom, verifyJwt } from '../../src/server/auth/oidc-jwt.js';
import { oidcProviderFrom } from '../../src/server/auth/oidc-provider.js';

const EXPECT = { issuer: 'iss', audience: 'aud', nowSeconds: 1_000 };
const CLAIMS = { iss: 'iss', aud: 'aud', sub: 'bob', exp: 2_000 };
const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('OidcTokenCache', () => {
  it('runs one token fetch at a time and serves waiting callers from the cache', async () => {
    const cache = new OidcTokenCache();
    let running = 0;
    let maxRunning = 0;
    const fetch = async (): Promise<string> => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return 'token-1';
    };
    const results = await Promise.all([cache.obtain(fetch), cache.obtain(fetch), cache.obtain(fetch)]);
    expect(results.map((r) => r.token)).toEqual(['token-1', 'token-1', 'token-1']);
    expect(results.map((r) => r.fromCache)).toEqual([false, true, true]);
    expect(cache.calls).toBe(1);
    expect(maxRunning).toBe(1);
  });

  it('invalidates only the token it was given, and waits the minimum spacing before the next fetch', async () => {
    const cache = new OidcTokenCache();
    const ends: number[] = [];
    const starts: number[] = [];
    let n = 0;
    const fetch = async (): Promise<string> => {
      starts.push(performance.now());
      n += 1;
      ends.push(performance.now());
      return `token-${n}`;
    };
    await cache.obtain(fetch);
    cache.invalidate('some-older-token');
    expect(cache.accessToken).toBe('token-1');
    cache.invalidate('token-1');
    expect(cache.accessToken).toBeUndefined();
    expect((await cache.obtain(fetch)).token).toBe('token-2');
    expect(starts[1] - ends[0]).toBeGreaterThanOrEqual(MIN_CALLBACK_SPACING_MS - 2);
  });

  it('recovers from a failed fetch: the error reaches its caller and the next caller fetches again', async () => {
    const cache = new OidcTokenCache();
    await expect(cache.obtain(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await cache.obtain(async () => 'ok')).token).toBe('ok');
  });
});

describe('the server simulation verifying JWTs', () => {
  it('accepts RS256 tokens signed by the configured key and refuses any other', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = `${b64({ alg: 'RS256' })}.${b64(CLAIMS)}`;
    const key = jwtKeyFrom(undefined, publicKey.export({ type: 'spki', format: 'pem' }));
    expect(verifyJwt(`${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`, key, EXPECT)).toMatchObject({ ok: true });
    expect(verifyJwt(`${input}.${sign('RSA-SHA256', Buffer.from(input), other.privateKey).toString('base64url')}`, key, EXPECT)).toMatchObject({ ok: false });
  });

  it('refuses alg none and an HS256 token when the key is HS256 but the header says otherwise', () => {
    const key = jwtKeyFrom('secret', undefined);
    expect(verifyJwt(`${b64({ alg: 'none' })}.${b64(CLAIMS)}.`, key, EXPECT)).toEqual({ ok: false, reason: 'unexpected alg none' });
    const input = `${b64({ alg: 'HS256' })}.${b64({ ...CLAIMS, exp: 999 })}`;
    const token = `${input}.${createHmac('sha256', 'secret').update(input).digest('base64url')}`;
    expect(verifyJwt(token, key, EXPECT)).toEqual({ ok: false, reason: 'expired or no exp' });
    expect(verifyJwt('not.a-jwt', key, EXPECT)).toMatchObject({ ok: false });
  });

  it('validates MemoryServer oidc options, naming what is missing', () => {
    expect(oidcProviderFrom(undefined)).toBeUndefined();
    expect(() => oidcProviderFrom({ issuer: '', audience: 'a', secret: 's' })).toThrow(/issuer and audience/);
    expect(() => oidcProviderFrom({ issuer: 'i', audience: 'a' })).toThrow(/exactly one of secret/);
    expect(() => oidcProviderFrom({ issuer: 'i', audience: 'a', publicKey: 'not a pem' })).toThrow(/publicKey/);
  });
});
