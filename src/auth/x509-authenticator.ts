// MONGODB-X509 (auth spec): the TLS client certificate is the credential; the
// `authenticate` command only names the user, which the server takes from the
// certificate's subject when the application gave no username. The command
// rides on the hello as speculativeAuthenticate (handshake spec), so a
// successful handshake usually needs no further round trip.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { isDocument } from '../util/is-document.js';
import { describeAuthFailure } from './auth-failure.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from './authenticator.js';
import type { MongoCredentials } from './credentials.js';

export const X509_MECHANISM = 'MONGODB-X509';

export class X509Authenticator implements ConnectionAuthenticator {
  private readonly username: string | undefined;
  private readonly source: string;
  private readonly replyTimeoutMS: number;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions = {}) {
    if (credentials.mechanism !== X509_MECHANISM) {
      throw new MongoInvalidArgumentError(`X509Authenticator cannot run mechanism ${String(credentials.mechanism)}`);
    }
    // An empty username means none: the spec forbids sending a username the application did not give.
    this.username = credentials.username === '' ? undefined : credentials.username;
    this.source = credentials.source;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
  }

  prepare(handshake: Document): void {
    handshake.speculativeAuthenticate = this.authenticateCommand();
  }

  async finish(connection: AuthConnection, hello: HelloReplyView): Promise<void> {
    // The auth spec: no authentication is possible with an arbiter.
    if (hello.get('arbiterOnly') === true) return;
    // A speculativeAuthenticate reply means the server already authenticated this connection.
    if (isDocument(hello.get('speculativeAuthenticate'))) return;
    try {
      await connection.command(this.source, this.authenticateCommand(), { socketTimeoutMS: this.replyTimeoutMS });
    } catch (error) {
      throw describeAuthFailure(error, this.failureContext());
    }
  }

  private authenticateCommand(): Document {
    const command: Document = { authenticate: 1, mechanism: X509_MECHANISM };
    if (this.username !== undefined) command.user = this.username;
    return command;
  }

  private failureContext(): string {
    const who = this.username === undefined ? "the client certificate's subject" : `user "${this.username}"`;
    return (
      `${X509_MECHANISM} authentication failed for ${who} on db "${this.source}" ` +
      '(it needs a client certificate (tlsCertificateKeyFile) the server verifies, whose RFC 2253 subject names a user in $external)'
    );
  }
}
