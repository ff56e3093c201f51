// SCRAM-SHA-1 / SCRAM-SHA-256 over the handshake hook: mechanism negotiation
// (saslSupportedMechs) and speculative authentication ride on the hello; the
// rest of the conversation is saslStart / saslContinue on the new connection.
import { Binary, type Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoRuntimeError, MongoServerError } from '../errors.js';
import type { AuthConnection, AuthenticatorOptions, ConnectionAuthenticator, HelloReplyView } from './authenticator.js';
import type { MongoCredentials } from './credentials.js';
import { ScramConversation, type ScramKeys, type ScramMechanism } from './scram.js';
import { isDocument } from '../util/is-document.js';

/** A conversation started speculatively in this connection's hello. */
interface SpeculativeStart {
  readonly conversation: ScramConversation;
}

/** Old servers without skipEmptyExchange need one empty round; more than this is a broken server. */
const MAX_EXTRA_ROUNDS = 2;

export class ScramAuthenticator implements ConnectionAuthenticator {
  private readonly username: string;
  private readonly password: string;
  private readonly source: string;
  private readonly explicitMechanism: ScramMechanism | undefined;
  private readonly replyTimeoutMS: number;
  private readonly keyCache = new Map<string, ScramKeys>();
  private readonly speculative = new WeakMap<AuthConnection, SpeculativeStart>();
  /** Tests pin nonces; production never sets it. */
  private readonly nonceSource: (() => string) | undefined;

  constructor(credentials: MongoCredentials, options: AuthenticatorOptions & { nonceSource?: () => string } = {}) {
    const { username, password, mechanism } = credentials;
    if (username === undefined || username.length === 0) throw new MongoInvalidArgumentError('SCRAM authentication requires a username');
    if (password === undefined) throw new MongoInvalidArgumentError(`SCRAM authentication of user "${username}" requires a password`);
    if (mechanism !== undefined && mechanism !== 'SCRAM-SHA-1' && mechanism !== 'SCRAM-SHA-256') {
      throw new MongoInvalidArgumentError(`ScramAuthenticator cannot run mechanism ${mechanism}`);
    }
    this.username = username;
    this.password = password;
    this.source = credentials.source;
    this.explicitMechanism = mechanism;
    this.replyTimeoutMS = options.replyTimeoutMS ?? 0;
    this.nonceSource = options.nonceSource;
  }

  prepare(handshake: Document, connection: AuthConnection): void {
    // Negotiation asks for the user's mechanisms; the speculative attempt assumes SHA-256 until told otherwise.
    if (this.explicitMechanism === undefined) handshake.saslSupportedMechs = `${this.source}.${this.username}`;
    const conversation = this.conversation(this.explicitMechanism ?? 'SCRAM-SHA-256');
    this.speculative.set(connection, { conversation });
    handshake.speculativeAuthenticate = { ...this.saslStart(conversation), db: this.source };
  }

  async finish(connection: AuthConnection, hello: HelloReplyView): Promise<void> {
    const speculative = this.speculative.get(connection);
    this.speculative.delete(connection);
    // The auth spec: no authentication is possible with an arbiter, and the handshake is complete.
    if (hello.get('arbiterOnly') === true) return;
    const mechanism = this.explicitMechanism ?? negotiatedMechanism(hello.get('saslSupportedMechs'));
    try {
      const speculativeReply = hello.get('speculativeAuthenticate');
      if (speculative !== undefined && speculative.conversation.mechanism === mechanism && isDocument(speculativeReply)) {
        await this.continueConversation(connection, speculative.conversation, speculativeReply);
        return;
      }
      const conversation = this.conversation(mechanism);
      const started = await this.send(connection, this.saslStart(conversation));
      await this.continueConversation(connection, conversation, started);
    } catch (error) {
      throw this.describeFailure(error, mechanism);
    }
  }

  private conversation(mechanism: ScramMechanism): ScramConversation {
    return new ScramConversation({
      mechanism,
      username: this.username,
      password: this.password,
      clientNonce: this.nonceSource?.(),
      cache: this.keyCache,
    });
  }

  private saslStart(conversation: ScramConversation): Document {
    return {
      saslStart: 1,
      mechanism: conversation.mechanism,
      payload: new Binary(conversation.clientFirst()),
      autoAuthorize: 1,
      options: { skipEmptyExchange: true },
    };
  }

  /** From the server-first reply to `done`: proof, signature check, and any empty rounds an old server wants. */
  private async continueConversation(connection: AuthConnection, conversation: ScramConversation, serverFirst: Document): Promise<void> {
    const conversationId = serverFirst.conversationId;
    const clientFinal = await conversation.clientFinal(payloadBytes(serverFirst.payload));
    let reply = await this.send(connection, { saslContinue: 1, conversationId, payload: new Binary(clientFinal) });
    conversation.verifyServerFinal(payloadBytes(reply.payload));
    for (let round = 0; reply.done !== true; round++) {
      if (round >= MAX_EXTRA_ROUNDS) throw new MongoRuntimeError('the server did not end the SCRAM conversation after the final message');
      reply = await this.send(connection, { saslContinue: 1, conversationId, payload: new Binary(Buffer.alloc(0)) });
    }
  }

  private async send(connection: AuthConnection, command: Document): Promise<Document> {
    const reply = await connection.command(this.source, command, { socketTimeoutMS: this.replyTimeoutMS });
    return reply.body();
  }

  /** Server refusals keep their code and codeName but say who failed to authenticate, where, and how. */
  private describeFailure(error: unknown, mechanism: ScramMechanism): unknown {
    const context = `authentication failed for user "${this.username}" on db "${this.source}" with mechanism ${mechanism}`;
    if (error instanceof MongoServerError) {
      const wrapped = new MongoServerError({ ...error.reply, errmsg: `${context}: ${error.message}` });
      wrapped.cause = error;
      return wrapped;
    }
    if (error instanceof MongoRuntimeError && error.message === 'server signature did not verify') return error;
    if (error instanceof MongoRuntimeError) return new MongoRuntimeError(`${context}: ${error.message}`, { cause: error });
    return error;
  }
}

/** The auth spec's default: SCRAM-SHA-256 when the server lists it for the user, else SCRAM-SHA-1. */
export function negotiatedMechanism(saslSupportedMechs: unknown): ScramMechanism {
  return Array.isArray(saslSupportedMechs) && saslSupportedMechs.includes('SCRAM-SHA-256') ? 'SCRAM-SHA-256' : 'SCRAM-SHA-1';
}


/** SASL payloads come back as BinData (or, from old servers, base64 strings). */
function payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Binary) return payload.buffer.subarray(0, payload.position);
  if (payload instanceof Uint8Array) return payload;
  if (typeof payload === 'string') return Buffer.from(payload, 'base64');
  throw new MongoRuntimeError('the server sent a SASL reply without a payload');
}
