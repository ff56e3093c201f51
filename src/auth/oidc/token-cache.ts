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

export class OidcTokenCache {
  private token: string | undefined;
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

  /** Clears the cache only when it still holds `token` (another caller may have refreshed it already). */
  invalidate(token: string | undefined): void {
    if (token !== undefined && this.token === token) this.token = undefined;
  }
}
