// Compact JWS verification for the MONGODB-OIDC simulation: the two algorithms
// identity providers commonly sign access tokens with (HS256 for tests that share
// a secret, RS256 as real IdPs do), plus the registered claims mongod checks.
// Any defect yields a reason string, never a throw: the caller maps every
// reason to mongod's uninformative AuthenticationFailed.
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

export type JwtKey = { readonly kind: 'HS256'; readonly secret: Buffer } | { readonly kind: 'RS256'; readonly publicKey: KeyObject };

export interface JwtExpectations {
  readonly issuer: string;
  readonly audience: string;
  /** Seconds since the epoch (fractions allowed, as RFC 7519's NumericDate). */
  readonly nowSeconds: number;
}

export type JwtVerdict = { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly reason: string };

export function jwtKeyFrom(secret: string | Buffer | undefined, publicKey: string | Buffer | undefined): JwtKey {
  if (secret !== undefined) return { kind: 'HS256', secret: Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8') };
  if (publicKey === undefined) throw new Error('needs a secret (HS256) or a publicKey (RS256)');
  return { kind: 'RS256', publicKey: createPublicKey(publicKey) };
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function signatureValid(key: JwtKey, signingInput: string, signature: Buffer): boolean {
  if (key.kind === 'HS256') {
    const expected = createHmac('sha256', key.secret).update(signingInput).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  }
  return verify('RSA-SHA256', Buffer.from(signingInput), key.publicKey, signature);
}

export function verifyJwt(token: string, key: JwtKey, expect: JwtExpectations): JwtVerdict {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  const [headerPart, claimsPart, signaturePart] = parts;
  const header = decodeJson(headerPart);
  const claims = decodeJson(claimsPart);
  if (header === undefined || claims === undefined) return { ok: false, reason: 'malformed header or claims' };
  // The key decides the algorithm: trusting the header's `alg` invites alg=none and HS/RS confusion.
  if (header.alg !== key.kind) return { ok: false, reason: `unexpected alg ${String(header.alg)}` };
  if (!signatureValid(key, `${headerPart}.${claimsPart}`, Buffer.from(signaturePart, 'base64url'))) return { ok: false, reason: 'bad signature' };
  if (claims.iss !== expect.issuer) return { ok: false, reason: 'wrong issuer' };
  const aud = claims.aud;
  if (!(aud === expect.audience || (Array.isArray(aud) && aud.includes(expect.audience)))) return { ok: false, reason: 'wrong audience' };
  if (typeof claims.exp !== 'number' || claims.exp <= expect.nowSeconds) return { ok: false, reason: 'expired or no exp' };
  if (typeof claims.nbf === 'number' && claims.nbf > expect.nowSeconds) return { ok: false, reason: 'not yet valid' };
  return { ok: true, claims };
}
