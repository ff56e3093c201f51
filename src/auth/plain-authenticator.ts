// PLAIN (RFC 4616; auth spec): MongoDB's LDAP proxy mechanism. One saslStart
// carries "\0username\0password" (no authzid, which the server would only
// compare with the username) and the server answers done. The auth spec asks
// SASLprep only of SCRAM; PLAIN sends both strings as given, UTF-8 encoded, as
// the server forwards them to the directory unchanged. Without TLS the password
// crosses the network in the clear: that is the mechanism, not a choice here.
import { Binary, type Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoRuntimeError } from '../errors.js';
import { describeAuthFailure } from './auth-failure.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from './authenticator.js';
import type { MongoCredentials } from './credentials.js';

export const PLAIN_MECHANISM = 'PLAIN';

/** The RFC 4616 message without an authorization identity. */
export function plainPayload(username: string, password: string): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8');
}

export class PlainAuthenticator implements ConnectionAuthenticator {
  private readonly username: string;
  private readonly password: string;
  private readonly source: string;
  private readonly replyTimeoutMS: number;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions = {}) {
    const { username, password, mechanism } = credentials;
    if (mechanism !== PLAIN_MECHANISM) throw new MongoInvalidArgumentError(`PlainAuthenticator cannot run mechanism ${String(mechanism)}`);
    if (username === undefined || username.length === 0) throw new MongoInvalidArgumentError('PLAIN authentication requires a username');
    if (password === undefined) throw new MongoInvalidArgumentError(`PLAIN authentication of user "${username}" requires a password`);
    this.username = username;
    this.password = password;
    this.source = credentials.source;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
  }

  /** PLAIN has no speculative form in the handshake spec: nothing to add to hello. */
  prepare(): void {}

  async finish(connection: AuthConnection, hello: HelloReplyView): Promise<void> {
    if (hello.get('arbiterOnly') === true) return;
    const command: Document = {
      saslStart: 1,
      mechanism: PLAIN_MECHANISM,
      payload: new Binary(plainPayload(this.username, this.password)),
      autoAuthorize: 1,
    };
    try {
      const reply = await connection.command(this.source, command, { socketTimeoutMS: this.replyTimeoutMS });
      if (reply.body().done !== true) throw new MongoRuntimeError('the server did not complete the PLAIN conversation in one step');
    } catch (error) {
      throw describeAuthFailure(error, `authentication failed for user "${this.username}" on db "${this.source}" with mechanism ${PLAIN_MECHANISM}`);
    }
  }
}
