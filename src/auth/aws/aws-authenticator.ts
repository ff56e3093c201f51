// MONGODB-AWS (auth spec): a two-step SASL conversation on $external whose
// second message is a SigV4-signed STS GetCallerIdentity request; the server
// asks STS who signed it and authenticates the user named by that ARN.
// Credentials come from AWS_CREDENTIAL_PROVIDER when given, else from the
// built-in chain (credential-chain.ts). Any failure clears the chain's cache,
// as the spec requires, so the next attempt fetches fresh credentials.
import { Binary, deserialize, type Document } from '../../bson.js';
import { MongoAWSError, MongoInvalidArgumentError, MongoRuntimeError, MongoServerError } from '../../errors.js';
import { isDocument } from '../../util/is-document.js';
import { describeAuthFailure } from '../auth-failure.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from '../authenticator.js';
import type { MongoCredentials } from '../credentials.js';
import { AWS_MECHANISM, clientFinalPayload, clientFirstPayload, newClientNonce, parseServerFirst, type AwsSigningCredentials } from './aws-conversation.js';
import { AwsCredentialChain } from './credential-chain.js';

type CredentialSource = { readonly fetch: () => Promise<unknown>; readonly clearCache: () => void; readonly label: string };

function payloadBytes(reply: Document, step: string): Buffer {
  const payload = reply.payload;
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position));
  throw new MongoAWSError(`MONGODB-AWS: the server's ${step} reply has no binary payload`);
}

/** Checks what a provider (ours or the application's) returned: the spec allows only a key pair, optionally with a session token. */
function signingCredentials(value: unknown, label: string): AwsSigningCredentials {
  if (!isDocument(value)) throw new MongoAWSError(`MONGODB-AWS: ${label} returned ${value === null ? 'null' : typeof value}, not credentials`);
  const { accessKeyId, secretAccessKey, sessionToken } = value;
  if (typeof accessKeyId !== 'string' || accessKeyId.length === 0) throw new MongoAWSError(`MONGODB-AWS: ${label} returned no accessKeyId`);
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) throw new MongoAWSError(`MONGODB-AWS: ${label} returned no secretAccessKey`);
  if (sessionToken !== undefined && typeof sessionToken !== 'string') throw new MongoAWSError(`MONGODB-AWS: ${label} returned a sessionToken that is not a string`);
  return sessionToken === undefined || sessionToken.length === 0 ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken };
}

function credentialSource(credentials: MongoCredentials): CredentialSource {
  const custom = credentials.mechanismProperties.AWS_CREDENTIAL_PROVIDER;
  if (custom === undefined) {
    const chain = new AwsCredentialChain();
    return { fetch: async () => (await chain.credentials()).credentials, clearCache: () => chain.clearCache(), label: 'the credential chain' };
  }
  if (typeof custom !== 'function') throw new MongoInvalidArgumentError('AWS_CREDENTIAL_PROVIDER must be a function returning a promise of AWS credentials');
  const provider = custom as () => unknown;
  const clear: unknown = Reflect.get(custom, 'clearCache');
  return {
    fetch: async () => provider(),
    clearCache: () => {
      if (typeof clear === 'function') Reflect.apply(clear, custom, []);
    },
    label: 'AWS_CREDENTIAL_PROVIDER',
  };
}

export class AwsAuthenticator implements ConnectionAuthenticator {
  private readonly source: string;
  private readonly replyTimeoutMS: number;
  private readonly credentials: CredentialSource;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions = {}) {
    if (credentials.mechanism !== AWS_MECHANISM) throw new MongoInvalidArgumentError(`AwsAuthenticator cannot run mechanism ${String(credentials.mechanism)}`);
    this.source = credentials.source;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
    this.credentials = credentialSource(credentials);
  }

  /** The handshake spec gives MONGODB-AWS no speculative form. */
  prepare(): void {}

  async finish(connection: AuthConnection, hello: HelloReplyView): Promise<void> {
    if (hello.get('arbiterOnly') === true) return;
    try {
      await this.converse(connection);
    } catch (error) {
      this.credentials.clearCache();
      throw this.describe(error);
    }
  }

  private async converse(connection: AuthConnection): Promise<void> {
    let fetched: unknown;
    try {
      fetched = await this.credentials.fetch();
    } catch (error) {
      if (error instanceof MongoAWSError) throw error;
      throw new MongoAWSError(`MONGODB-AWS: ${this.credentials.label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const signing = signingCredentials(fetched, this.credentials.label);
    const clientNonce = newClientNonce();
    const options = { socketTimeoutMS: this.replyTimeoutMS };
    const start = await connection.command(
      this.source,
      { saslStart: 1, mechanism: AWS_MECHANISM, payload: new Binary(clientFirstPayload(clientNonce)) },
      options,
    );
    const first = start.body();
    const serverFirst = parseServerFirst(payloadBytes(first, 'saslStart'), clientNonce);
    const final = await connection.command(
      this.source,
      { saslContinue: 1, conversationId: first.conversationId, payload: new Binary(clientFinalPayload(serverFirst, signing)) },
      options,
    );
    const done = final.body();
    if (done.done !== true) {
      // mongod answers done with an empty payload; anything else is a server we do not understand.
      const extra = done.payload instanceof Binary ? deserialize(payloadBytes(done, 'saslContinue')) : undefined;
      throw new MongoAWSError(`MONGODB-AWS: the server did not finish the conversation after the signed request${extra === undefined ? '' : ` (payload ${JSON.stringify(extra)})`}`);
    }
  }

  private describe(error: unknown): unknown {
    const context = `MONGODB-AWS authentication failed on db "${this.source}"`;
    if (error instanceof MongoAWSError) return new MongoAWSError(`${context}: ${error.message.replace(/^MONGODB-AWS: /, '')}`, { cause: error });
    if (error instanceof MongoServerError || error instanceof MongoRuntimeError) return describeAuthFailure(error, context);
    return error;
  }
}
