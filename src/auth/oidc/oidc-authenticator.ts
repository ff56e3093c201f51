// MONGODB-OIDC (auth spec), machine flow: a one-step saslStart on $external whose
// payload is { jwt: <access token> }. Tokens come from the client's cache
// (token-cache.ts), else from OIDC_CALLBACK or a built-in environment
// (token-sources.ts). A cached token also rides on the hello as
// speculativeAuthenticate. Each connection remembers the token it used, so a
// ReauthenticationRequired (391) reply invalidates exactly that token before the
// conversation runs again on the same connection (see reauthentication.ts).
import { Binary, serialize, type Document } from '../../bson.js';
import { MongoInvalidArgumentError, MongoOIDCError, MongoRuntimeError, MongoServerError } from '../../errors.js';
import { isDocument } from '../../util/is-document.js';
import { describeAuthFailure } from '../auth-failure.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from '../authenticator.js';
import type { MongoCredentials } from '../credentials.js';
import { registerReauthentication } from './reauthentication.js';
import { OidcTokenCache } from './token-cache.js';
import { accessTokenFrom, tokenSourceFor, type OidcTokenSource } from './token-sources.js';

export const OIDC_MECHANISM = 'MONGODB-OIDC';
const EXTERNAL_DB = '$external';
/** The spec's callback timeout when no connectTimeoutMS / timeoutMS applies. */
const DEFAULT_CALLBACK_TIMEOUT_MS = 60_000;
const AUTHENTICATION_FAILED = 18;

function saslStartCommand(token: string): Document {
  return { saslStart: 1, mechanism: OIDC_MECHANISM, payload: new Binary(serialize({ jwt: token })) };
}

export class OidcAuthenticator implements ConnectionAuthenticator {
  /** The spec's Client Cache: one per client, as one authenticator serves every connection of a client. */
  readonly cache = new OidcTokenCache();
  /** The spec's Connection Cache: the token each connection authenticated (or is authenticating) with. */
  private readonly connectionTokens = new WeakMap<AuthConnection, string>();
  private readonly source: OidcTokenSource;
  private readonly username: string | undefined;
  private readonly replyTimeoutMS: number;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions = {}) {
    if (credentials.mechanism !== OIDC_MECHANISM) throw new MongoInvalidArgumentError(`OidcAuthenticator cannot run mechanism ${String(credentials.mechanism)}`);
    this.source = tokenSourceFor(credentials);
    this.username = credentials.username === '' ? undefined : credentials.username;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
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
      let obtained = await this.cache.obtain(() => this.fetchToken());
      if (obtained.fromCache) {
        try {
          await this.converse(connection, obtained.token);
          return;
        } catch (error) {
          // A stale cached token: invalidate it and try once more with a fresh one; anything else is the caller's.
          if (!(error instanceof MongoServerError && error.code === AUTHENTICATION_FAILED)) throw error;
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

  private async converse(connection: AuthConnection, token: string): Promise<void> {
    this.connectionTokens.set(connection, token);
    const reply = await connection.command(EXTERNAL_DB, saslStartCommand(token), { socketTimeoutMS: this.replyTimeoutMS });
    if (reply.body().done !== true) throw new MongoOIDCError('the server did not finish the one-step conversation');
  }

  /** One call of the token source, bounded by the spec's callback timeout so a hung callback cannot hang the pool. */
  private async fetchToken(): Promise<string> {
    const timeoutMS = this.replyTimeoutMS > 0 ? this.replyTimeoutMS : DEFAULT_CALLBACK_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMS);
    const params = { timeoutContext: signal, version: 1 as const, ...(this.username === undefined ? {} : { username: this.username }) };
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MongoOIDCError(`${this.source.label} did not return a token within ${timeoutMS} ms`)), timeoutMS);
    });
    try {
      const result = await Promise.race([this.source.fetch(params), expired]);
      return accessTokenFrom(result, this.source.label);
    } catch (error) {
      if (error instanceof MongoOIDCError) throw error;
      throw new MongoOIDCError(`${this.source.label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
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
