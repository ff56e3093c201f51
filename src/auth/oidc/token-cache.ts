// The auth spec's MONGODB-OIDC Client Cache: the most recent access token of one
// client, read through under a lock so only one callback / provider call runs at
// a time, at least 100 ms after the previous one. The lock is held only while
// fetching a token, never during saslStart (the spec forbids serialising
// authentication itself, which would override maxConnecting).

/** The spec's minimum spacing between two calls of the token source. */
export const MIN_CALLBACK_SPACING_MS = 100;

export interface ObtainedToken {
  readonly token: string;
  /** The token came from the cache (it may be stale), not from a fresh call. */
  readonly fromCache: boolean;
}

/** What the server's PrincipalStepRequest reply says about its identity provider (human flow). */
export interface IdpInfo {
  readonly issuer: string;
  readonly clientId?: string;
  readonly requestScopes?: readonly string[];
}

export class OidcTokenCache {
  private token: string | undefined;
  /** Human flow: the refresh token the human callback last returned (opaque to the driver). */
  refreshToken: unknown = undefined;
  /** Human flow: the IdP information of the last two-step conversation. */
  idpInfo: IdpInfo | undefined = undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastCallEndedAt = Number.NEGATIVE_INFINITY;
  /** How many times the token source ran (diagnostics and tests). */
  calls = 0;

  get accessToken(): string | undefined {
    return this.token;
  }

  /** The cached token, or a fresh one from `fetch` (serialised with every other caller). */
  obtain(fetch: () => Promise<string>): Promise<ObtainedToken> {
    const run = async (): Promise<ObtainedToken> => {
      if (this.token !== undefined) return { token: this.token, fromCache: true };
      const wait = this.lastCallEndedAt + MIN_CALLBACK_SPACING_MS - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.calls += 1;
      try {
        this.token = await fetch();
      } finally {
        this.lastCallEndedAt = performance.now();
      }
      return { token: this.token, fromCache: false };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Puts a token in the cache as if a source had returned it (tests poison or pre-fill the cache with this). */
  seed(token: string): void {
    this.token = token;
  }

  /** Clears the cache only when it still holds `token` (another caller may have refreshed it already). */
  invalidate(token: string | undefined): void {
    if (token !== undefined && this.token === token) this.token = undefined;
  }
}

/**
 * The client cache of the client configured with a given OIDC callback function: the
 * prose tests' "poison the Client Cache" and "populate the Client Cache" steps need it.
 */
const cachesByCallback = new WeakMap<object, OidcTokenCache>();

export function registerCallbackCache(callback: object, cache: OidcTokenCache): void {
  cachesByCallback.set(callback, cache);
}

export function oidcCacheForCallback(callback: object): OidcTokenCache | undefined {
  return cachesByCallback.get(callback);
}
