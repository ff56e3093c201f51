// MONGODB-OIDC (auth spec), machine flow: a one-step saslStart on $external whose
// payload is { jwt: <access token> }. Tokens come from the client's cache
// (token-cache.ts), else from OIDC_CALLBACK or a built-in environment
// (token-sources.ts). A cached token also rides on the hello as
// speculativeAuthenticate. Each connection remembers the token it used, so a
// ReauthenticationRequired (391) reply invalidates exactly that token before the
// conversation runs again on the same connection (see reauthentication.ts).
// With OIDC_HUMAN_CALLBACK the human flow runs instead: a cached access token, else
// the cached refresh token through the human callback, else a two-step conversation
// (PrincipalStepRequest → IdpInfo → human callback → JwtStepRequest), each only
// against a host in ALLOWED_HOSTS (human-flow.ts).
import { Binary, serialize, type Document } from '../../bson.js';
import { MongoInvalidArgumentError, MongoOIDCError, MongoRuntimeError, MongoServerError } from '../../errors.js';
import { isDocument } from '../../util/is-document.js';
import { describeAuthFailure } from '../auth-failure.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from '../authenticator.js';
import type { MongoCredentials } from '../credentials.js';
import { assertAllowedHost, HUMAN_CALLBACK_TIMEOUT_MS, idpInfoFrom, principalStepPayload, refreshTokenFrom } from './human-flow.js';
import { registerReauthentication } from '../reauthentication.js';
import { OidcTokenCache, registerCallbackCache, type IdpInfo } from './token-cache.js';
import { accessTokenFrom, humanCallbackOf, tokenSourceFor, type OidcHumanCallback, type OidcTokenSource } from './token-sources.js';

export const OIDC_MECHANISM = 'MONGODB-OIDC';
const EXTERNAL_DB = '$external';
/** The spec's callback timeout when no connectTimeoutMS / timeoutMS applies. */
const DEFAULT_CALLBACK_TIMEOUT_MS = 60_000;
const AUTHENTICATION_FAILED = 18;

function jwtPayload(token: string): Binary {
  return new Binary(serialize({ jwt: token }));
}

function saslStartCommand(token: string): Document {
  return { saslStart: 1, mechanism: OIDC_MECHANISM, payload: jwtPayload(token) };
}

function isAuthenticationFailure(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === AUTHENTICATION_FAILED;
}

export class OidcAuthenticator implements ConnectionAuthenticator {
  /** The spec's Client Cache: one per client, as one authenticator serves every connection of a client. */
  readonly cache = new OidcTokenCache();
  /** The spec's Connection Cache: the token each connection authenticated (or is authenticating) with. */
  private readonly connectionTokens = new WeakMap<AuthConnection, string>();
  /** The machine flow's token source; undefined when a human callback configures the human flow. */
  private readonly source: OidcTokenSource | undefined;
  private readonly humanCallback: OidcHumanCallback | undefined;
  private readonly allowedHosts: unknown;
  private readonly username: string | undefined;
  private readonly replyTimeoutMS: number;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions = {}) {
    if (credentials.mechanism !== OIDC_MECHANISM) throw new MongoInvalidArgumentError(`OidcAuthenticator cannot run mechanism ${String(credentials.mechanism)}`);
    this.humanCallback = humanCallbackOf(credentials);
    this.source = this.humanCallback === undefined ? tokenSourceFor(credentials) : undefined;
    this.allowedHosts = credentials.mechanismProperties.ALLOWED_HOSTS;
    this.username = credentials.username === '' ? undefined : credentials.username;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
    const callback = credentials.mechanismProperties.OIDC_CALLBACK ?? credentials.mechanismProperties.OIDC_HUMAN_CALLBACK;
    if (typeof callback === 'function') registerCallbackCache(callback, this.cache);
  }

  /** Speculative authentication only with a cached token (the spec forbids calling the callback for it). */
  prepare(handshake: Document, connection: AuthConnection): void {
    const token = this.cache.accessToken;
    if (token === undefined) return;
    this.connectionTokens.set(connection, token);
    handshake.speculativeAuthenticate = { ...saslStartCommand(token), db: EXTERNAL_DB };
  }

  async finish(connection: AuthConnection, hello: HelloReplyView): Promise<void> {
    if (hello.get('arbiterOnly') === true) return;
    const speculative = hello.get('speculativeAuthenticate');
    // A failed speculative attempt invalidates nothing (the spec): the normal conversation follows.
    if (!(isDocument(speculative) && speculative.done === true)) {
      this.connectionTokens.delete(connection);
      await this.authenticate(connection);
    }
    registerReauthentication(connection, () => this.reauthenticate(connection));
  }

  /** After a 391: drop the connection's token from the cache (if still there) and converse again, without hello. */
  async reauthenticate(connection: AuthConnection): Promise<void> {
    this.cache.invalidate(this.connectionTokens.get(connection));
    this.connectionTokens.delete(connection);
    await this.authenticate(connection);
  }

  private async authenticate(connection: AuthConnection): Promise<void> {
    try {
      if (this.humanCallback !== undefined) {
        await this.authenticateHuman(connection, this.humanCallback);
        return;
      }
      let obtained = await this.cache.obtain(() => this.fetchToken());
      if (obtained.fromCache) {
        try {
          await this.converse(connection, obtained.token);
          return;
        } catch (error) {
          // A stale cached token: invalidate it and try once more with a fresh one; anything else is the caller's.
          if (!isAuthenticationFailure(error)) throw error;
          this.cache.invalidate(obtained.token);
          obtained = await this.cache.obtain(() => this.fetchToken());
        }
      }
      await this.converse(connection, obtained.token);
    } catch (error) {
      this.connectionTokens.delete(connection);
      throw this.describe(error);
    }
  }

  /** The spec's human-flow algorithm: cached access token, then the refresh token, then a two-step conversation. */
  private async authenticateHuman(connection: AuthConnection, callback: OidcHumanCallback): Promise<void> {
    assertAllowedHost(connection.address, this.allowedHosts);
    const cached = this.cache.accessToken;
    if (cached !== undefined) {
      try {
        await this.converse(connection, cached);
        return;
      } catch (error) {
        if (!isAuthenticationFailure(error)) throw error;
        this.cache.invalidate(cached);
        this.connectionTokens.delete(connection);
      }
    }
    const { refreshToken, idpInfo } = this.cache;
    if (refreshToken !== undefined && idpInfo !== undefined) {
      const refreshed = await this.cache.obtain(() => this.callHuman(callback, idpInfo, refreshToken));
      try {
        await this.converse(connection, refreshed.token);
        return;
      } catch (error) {
        if (!isAuthenticationFailure(error)) throw error;
        if (this.cache.refreshToken === refreshToken) this.cache.refreshToken = undefined;
        this.cache.invalidate(refreshed.token);
        this.connectionTokens.delete(connection);
      }
    }
    await this.converseTwoStep(connection, callback);
  }

  private async converseTwoStep(connection: AuthConnection, callback: OidcHumanCallback): Promise<void> {
    const options = { socketTimeoutMS: this.replyTimeoutMS };
    const start = (await connection.command(EXTERNAL_DB, { saslStart: 1, mechanism: OIDC_MECHANISM, payload: principalStepPayload(this.username) }, options)).body();
    if (start.done === true) throw new MongoOIDCError('the server finished the two-step conversation before receiving a token');
    const idpInfo = idpInfoFrom(start);
    this.cache.idpInfo = idpInfo;
    // A new two-step conversation never passes the cached refresh token (the spec).
    const { token } = await this.cache.obtain(() => this.callHuman(callback, idpInfo, undefined));
    this.connectionTokens.set(connection, token);
    const reply = await connection.command(EXTERNAL_DB, { saslContinue: 1, conversationId: start.conversationId, payload: jwtPayload(token) }, options);
    if (reply.body().done !== true) throw new MongoOIDCError('the server did not finish the two-step conversation');
  }

  /** One human-callback call (five minutes at most); its refresh token, if any, is cached with the access token. */
  private async callHuman(callback: OidcHumanCallback, idpInfo: IdpInfo, refreshToken: unknown): Promise<string> {
    const params = {
      timeoutContext: AbortSignal.timeout(HUMAN_CALLBACK_TIMEOUT_MS),
      version: 1 as const,
      idpInfo,
      ...(refreshToken === undefined ? {} : { refreshToken }),
      ...(this.username === undefined ? {} : { username: this.username }),
    };
    const result = await this.bounded('OIDC_HUMAN_CALLBACK', HUMAN_CALLBACK_TIMEOUT_MS, () => callback(params));
    const accessToken = accessTokenFrom(result, 'OIDC_HUMAN_CALLBACK');
    const newRefreshToken = refreshTokenFrom(result);
    if (newRefreshToken !== undefined) this.cache.refreshToken = newRefreshToken;
    return accessToken;
  }

  private async converse(connection: AuthConnection, token: string): Promise<void> {
    this.connectionTokens.set(connection, token);
    const reply = await connection.command(EXTERNAL_DB, saslStartCommand(token), { socketTimeoutMS: this.replyTimeoutMS });
    if (reply.body().done !== true) throw new MongoOIDCError('the server did not finish the one-step conversation');
  }

  /** One call of the token source, bounded by the spec's callback timeout so a hung callback cannot hang the pool. */
  private async fetchToken(): Promise<string> {
    const source = this.source;
    if (source === undefined) throw new MongoOIDCError('no machine token source is configured');
    const timeoutMS = this.replyTimeoutMS > 0 ? this.replyTimeoutMS : DEFAULT_CALLBACK_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMS);
    const params = { timeoutContext: signal, version: 1 as const, ...(this.username === undefined ? {} : { username: this.username }) };
    const result = await this.bounded(source.label, timeoutMS, () => source.fetch(params));
    return accessTokenFrom(result, source.label);
  }

  /** Runs a token source, failing with MongoOIDCError when it throws or outlives `timeoutMS`. */
  private async bounded(label: string, timeoutMS: number, run: () => Promise<unknown> | unknown): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MongoOIDCError(`${label} did not return a token within ${timeoutMS} ms`)), timeoutMS);
    });
    try {
      return await Promise.race([Promise.resolve().then(run), expired]);
    } catch (error) {
      if (error instanceof MongoOIDCError) throw error;
      throw new MongoOIDCError(`${label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private describe(error: unknown): unknown {
    const who = this.username === undefined ? '' : ` for user "${this.username}"`;
    const context = `${OIDC_MECHANISM} authentication${who} on db "${EXTERNAL_DB}" failed`;
    if (error instanceof MongoOIDCError) return new MongoOIDCError(`${context}: ${error.message}`, { cause: error });
    if (error instanceof MongoServerError || error instanceof MongoRuntimeError) return describeAuthFailure(error, context);
    return error;
  }
}
