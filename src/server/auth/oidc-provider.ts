// The MONGODB-OIDC identity provider the embedded server trusts (mongod's
// oidcIdentityProviders, one entry, useAuthorizationClaim: false): a JWT signed by
// the configured key, issued by `issuer` for `audience`, authenticates the
// $external user `<authNamePrefix>/<principal claim>` (or the bare principal when no
// prefix is configured), which must exist, as mongod requires without the
// authorization claim. The token's expiry is remembered on the connection: once it
// passes, commands fail with ReauthenticationRequired until the connection
// authenticates again (see ServerSecurity.checkAccess). Both conversations of the
// auth spec are served: one-step (saslStart { jwt }) and two-step (saslStart { n? }
// answered with IdpInfo { issuer, clientId?, requestScopes? }, then saslContinue { jwt }).
import { deserialize, type Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { EXTERNAL_DB, type AuthenticatedName } from './external-mechanisms.js';
import { jwtKeyFrom, verifyJwt, type JwtKey } from './oidc-jwt.js';
import { AUTHENTICATION_FAILED } from './scram-conversation.js';
import type { UserStore } from './user-store.js';

export const OIDC_MECHANISM = 'MONGODB-OIDC';

/** MemoryServerOptions.oidc. */
export interface MemoryServerOidcOptions {
  issuer: string;
  audience: string;
  /** HS256 shared key. Give this or `publicKey`. */
  secret?: string | Buffer;
  /** RS256 verification key (PEM). */
  publicKey?: string | Buffer;
  /** The claim naming the principal; default 'sub' (mongod's principalName). */
  principalClaim?: string;
  /** mongod's authNamePrefix: users are `<prefix>/<principal>`; none by default (the bare principal). */
  authNamePrefix?: string;
  /** Sent to human-flow clients (two-step conversation) as IdpInfo.clientId; absent for a machine-only IdP. */
  clientId?: string;
  /** Sent to human-flow clients as IdpInfo.requestScopes. */
  requestScopes?: string[];
}

export interface OidcAuthentication extends AuthenticatedName {
  /** When the token expires, in ms since the epoch. */
  readonly expiresAtMS: number;
}

function failed(): CommandError {
  return new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
}

function decode(payload: Buffer): Document {
  try {
    return deserialize(payload);
  } catch {
    throw failed();
  }
}

export class OidcIdentityProvider {
  private readonly key: JwtKey;
  private readonly principalClaim: string;

  constructor(private readonly options: MemoryServerOidcOptions) {
    const { issuer, audience, secret, publicKey } = options;
    if (typeof issuer !== 'string' || issuer.length === 0 || typeof audience !== 'string' || audience.length === 0) {
      throw new MongoInvalidArgumentError('MemoryServer oidc needs non-empty strings issuer and audience');
    }
    if ((secret === undefined) === (publicKey === undefined)) {
      throw new MongoInvalidArgumentError('MemoryServer oidc needs exactly one of secret (HS256) or publicKey (RS256)');
    }
    try {
      this.key = jwtKeyFrom(secret, publicKey);
    } catch (error) {
      throw new MongoInvalidArgumentError(`MemoryServer oidc publicKey is not a usable public key: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.principalClaim = options.principalClaim ?? 'sub';
  }

  /**
   * saslStart's payload: { jwt } is the one-step flow (authenticated at once); { n? } (the
   * PrincipalStepRequest) starts the two-step flow, answered with this IdP's IdpInfo.
   */
  start(payload: Buffer, users: UserStore, nowMS = Date.now()): { kind: 'authenticated'; result: OidcAuthentication } | { kind: 'idpInfo'; idpInfo: Document } {
    const request = decode(payload);
    if (typeof request.jwt === 'string') return { kind: 'authenticated', result: this.authenticate(payload, users, nowMS) };
    if (request.n !== undefined && typeof request.n !== 'string') throw failed();
    const { issuer, clientId, requestScopes } = this.options;
    return {
      kind: 'idpInfo',
      idpInfo: { issuer, ...(clientId === undefined ? {} : { clientId }), ...(requestScopes === undefined ? {} : { requestScopes }) },
    };
  }

  /** A JwtStepRequest ({ jwt }): saslStart's one-step flow, or the two-step flow's saslContinue. */
  authenticate(payload: Buffer, users: UserStore, nowMS = Date.now()): OidcAuthentication {
    const jwt = decode(payload).jwt;
    if (typeof jwt !== 'string') throw failed();
    const verdict = verifyJwt(jwt, this.key, { issuer: this.options.issuer, audience: this.options.audience, nowSeconds: nowMS / 1000 });
    if (!verdict.ok) throw failed();
    const principal = verdict.claims[this.principalClaim];
    const exp = verdict.claims.exp;
    if (typeof principal !== 'string' || principal.length === 0 || typeof exp !== 'number') throw failed();
    const user = this.options.authNamePrefix === undefined ? principal : `${this.options.authNamePrefix}/${principal}`;
    if (users.get(EXTERNAL_DB, user) === undefined) throw failed();
    return { user, db: EXTERNAL_DB, expiresAtMS: exp * 1000 };
  }
}

export function oidcProviderFrom(options: MemoryServerOidcOptions | undefined): OidcIdentityProvider | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) throw new MongoInvalidArgumentError('MemoryServer oidc must be an object');
  return new OidcIdentityProvider(options);
}
