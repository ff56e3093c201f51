// Pieces of the MONGODB-OIDC human authentication flow (auth spec, "Human
// Authentication Flow"): the ALLOWED_HOSTS check that guards the human callback,
// the PrincipalStepRequest of the two-step conversation and the IdpInfo the server
// answers with. The conversation's order (cached token → refresh token → two-step)
// lives in oidc-authenticator.ts.
import { Binary, deserialize, serialize, type Document } from '../../bson.js';
import { MongoOIDCError } from '../../errors.js';
import { isDocument } from '../../util/is-document.js';
import { DEFAULT_OIDC_ALLOWED_HOSTS } from '../credentials.js';
import type { IdpInfo } from './token-cache.js';

/** The spec's human-callback timeout: a person is in the loop, so neither CSOT nor connectTimeoutMS applies. */
export const HUMAN_CALLBACK_TIMEOUT_MS = 5 * 60_000;

/** The host part of a connection address `host:port` / `[v6]:port`. */
export function hostOf(address: string): string {
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    return end > 0 ? address.slice(1, end) : address;
  }
  const colon = address.lastIndexOf(':');
  // Several colons and no brackets: a bare IPv6 address without a port.
  return colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address;
}

/** ALLOWED_HOSTS matching: exact (case-insensitive), or `*.domain` for any (nested) subdomain of domain. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const name = host.toLowerCase();
  return allowedHosts.some((pattern) => {
    const wanted = pattern.toLowerCase();
    return wanted.startsWith('*.') ? name.endsWith(wanted.slice(1)) : name === wanted;
  });
}

/** Refuses, before any callback runs, a human flow against a host outside ALLOWED_HOSTS. */
export function assertAllowedHost(address: string, allowedHosts: unknown): void {
  const list = Array.isArray(allowedHosts) ? allowedHosts.filter((h): h is string => typeof h === 'string') : DEFAULT_OIDC_ALLOWED_HOSTS;
  const host = hostOf(address);
  if (!isAllowedHost(host, list)) {
    throw new MongoOIDCError(`host ${host} is not in ALLOWED_HOSTS [${list.join(', ')}]; the human callback was not called`);
  }
}

export function principalStepPayload(username: string | undefined): Binary {
  return new Binary(serialize(username === undefined ? {} : { n: username }));
}

/** The IdpInfo in the server's reply to the PrincipalStepRequest; clientId may be missing (a machine IdP). */
export function idpInfoFrom(reply: Document): IdpInfo {
  const payload = reply.payload;
  let info: Document;
  try {
    if (!(payload instanceof Binary)) throw new Error('no binary payload');
    info = deserialize(payload.buffer.subarray(0, payload.position));
  } catch (error) {
    throw new MongoOIDCError(`the server's IdpInfo reply is unreadable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const { issuer, clientId, requestScopes } = info;
  if (typeof issuer !== 'string' || issuer.length === 0) throw new MongoOIDCError("the server's IdpInfo has no issuer");
  if (clientId !== undefined && typeof clientId !== 'string') throw new MongoOIDCError("the server's IdpInfo clientId is not a string");
  if (requestScopes !== undefined && !(Array.isArray(requestScopes) && requestScopes.every((s) => typeof s === 'string'))) {
    throw new MongoOIDCError("the server's IdpInfo requestScopes is not an array of strings");
  }
  return {
    issuer,
    ...(clientId === undefined ? {} : { clientId }),
    ...(requestScopes === undefined ? {} : { requestScopes: requestScopes as string[] }),
  };
}

/** The refresh token a human callback returned, if any (opaque: the driver only hands it back). */
export function refreshTokenFrom(result: unknown): unknown {
  return isDocument(result) ? result.refreshToken : undefined;
}
