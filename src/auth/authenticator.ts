// What the connection layer's handshake hook sees of an authenticator, stated
// structurally so that auth need not import connection (it sits below it), and
// the factory that picks an authenticator for a credential.
import type { Document } from '../bson.js';
import { MongoCompatibilityError } from '../errors.js';
import type { MongoCredentials } from './credentials.js';
import { AwsAuthenticator } from './aws/aws-authenticator.js';
import { OidcAuthenticator } from './oidc/oidc-authenticator.js';
import { PlainAuthenticator } from './plain-authenticator.js';
import { ScramAuthenticator } from './scram-authenticator.js';
import { X509Authenticator } from './x509-authenticator.js';

/** The part of a Connection an authentication conversation uses. */
export interface AuthConnection {
  readonly address: string;
  command(db: string, body: Document, options?: { socketTimeoutMS?: number }): Promise<{ body(): Document }>;
}

/** The part of the hello reply an authenticator reads. */
export interface HelloReplyView {
  get(field: string): unknown;
}

/**
 * Plugs into the handshake: `prepare` adds fields to the connection's hello,
 * `finish` completes authentication once the hello reply arrived. One
 * authenticator serves every connection of a client; per-connection state is
 * keyed by the connection object passed to both.
 */
export interface ConnectionAuthenticator {
  prepare(handshake: Document, connection: AuthConnection): void | Promise<void>;
  finish(connection: AuthConnection, hello: HelloReplyView): Promise<void>;
}

export interface AuthenticatorOptions {
  /** Limit for each authentication reply (the connect timeout); 0 = none. */
  replyTimeoutMS?: number;
}

/**
 * The authenticator for a credential: SCRAM-SHA-1/256 (negotiated or explicit),
 * MONGODB-X509, PLAIN, MONGODB-AWS and MONGODB-OIDC (machine flow). Mechanisms mongrove does not implement
 * yet (GSSAPI) fail here, when the client connects, rather than on the first operation.
 */
export function createAuthenticator(credentials: MongoCredentials, options: AuthenticatorOptions = {}): ConnectionAuthenticator {
  const mechanism = credentials.mechanism;
  if (mechanism === undefined || mechanism === 'SCRAM-SHA-1' || mechanism === 'SCRAM-SHA-256') {
    return new ScramAuthenticator(credentials, options);
  }
  if (mechanism === 'MONGODB-X509') return new X509Authenticator(credentials, options);
  if (mechanism === 'PLAIN') return new PlainAuthenticator(credentials, options);
  if (mechanism === 'MONGODB-AWS') return new AwsAuthenticator(credentials, options);
  if (mechanism === 'MONGODB-OIDC') return new OidcAuthenticator(credentials, options);
  throw new MongoCompatibilityError(`authentication mechanism ${mechanism} is not supported by mongrove yet`);
}
