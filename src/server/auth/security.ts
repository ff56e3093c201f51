// Access control for one server: its users, the SASL conversations running on
// each connection, hello's saslSupportedMechs / speculativeAuthenticate, and
// (only when the server was started with auth) authorization: unauthenticated
// connections may run only the commands mongod lets through before
// authentication, authenticated ones what their users' roles grant.
import { Binary, serialize, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { AUTHENTICATION_FAILED, parseClientFirst, ServerScramConversation } from './scram-conversation.js';
import { requiredPrivileges } from './command-privileges.js';
import { isLoopbackAddress, localhostExceptionAllows } from './localhost-exception.js';
import { commandText } from './command-text.js';
import type { RolePrivilege } from './custom-roles.js';
import type { Resource, RoleName } from './roles.js';
import { isScramMechanism } from './scram-credentials.js';
import { UserStore } from './user-store.js';
import { ExternalDirectory } from './external-directory.js';
import { authenticatePlain, authenticateX509, EXTERNAL_DB } from './external-mechanisms.js';
import { AWS_MECHANISM, ServerAwsConversation } from './aws-conversation.js';
import { AwsStsSimulation } from './aws-sts-simulation.js';
import { OIDC_MECHANISM, type OidcAuthentication, type OidcIdentityProvider } from './oidc-provider.js';

/** What a connection has proven, and the conversation it is in the middle of. */
export interface ConnectionAuthState {
  user: { readonly user: string; readonly db: string } | undefined;
  conversation:
    | ({ readonly id: number; readonly db: string; readonly payloadAsString: boolean } & (
        | { readonly scram: ServerScramConversation; readonly aws?: undefined; readonly oidc?: undefined }
        | { readonly aws: ServerAwsConversation; readonly scram?: undefined; readonly oidc?: undefined }
        | { readonly oidc: OidcIdentityProvider; readonly scram?: undefined; readonly aws?: undefined }
      ))
    | undefined;
  /** The RFC 2253 subject of the client certificate the server's CA verified on this (TLS) connection. */
  x509Subject?: string;
  /** MONGODB-OIDC: when the token this connection authenticated with expires (ms since the epoch). */
  oidcExpiresAtMS?: number;
}

export function newConnectionAuthState(): ConnectionAuthState {
  return { user: undefined, conversation: undefined };
}

/**
 * mongod 8.0's commands with requiresAuth() false (mongodb/mongo src/mongo/db/commands/): hello
 * (and its isMaster aliases, replication_info.cpp), saslStart / saslContinue (sasl_commands.cpp),
 * authenticate, ping and listCommands (generic.cpp), connectionStatus (connection_status.cpp) and
 * buildInfo (until 8.1, whose buildInfoAuthMode, SERVER-90284, made it require auth by default).
 * logout keeps the default (requires auth: authentication_commands.cpp overrides only
 * requiresAuthzChecks); getnonce no longer exists.
 */
const ALLOWED_UNAUTHENTICATED = new Set(['hello', 'saslStart', 'saslContinue', 'authenticate', 'ping', 'listCommands', 'buildInfo', 'connectionStatus']);

/** mongod numbers every connection's SASL conversation 1. */
const CONVERSATION_ID = 1;

function failed(): CommandError {
  return new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
}

/** BinData payloads get BinData back; base64-string payloads (legacy clients) get strings. */
function payloadOf(command: Document): { bytes: Buffer; asString: boolean } {
  const payload = command.payload;
  if (payload instanceof Binary) return { bytes: Buffer.from(payload.buffer.subarray(0, payload.position)), asString: false };
  if (typeof payload === 'string') return { bytes: Buffer.from(payload, 'base64'), asString: true };
  if (payload === undefined) {
    throw new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${Object.keys(command)[0] ?? 'sasl'}.payload' is missing but a required field`);
  }
  throw new CommandError(ErrorCodes.TypeMismatch, 'SASL payload must be BinData or a base64 string');
}

function encodePayload(bytes: Buffer, asString: boolean): Binary | string {
  return asString ? bytes.toString('base64') : new Binary(bytes);
}

export class ServerSecurity {
  readonly users = new UserStore();
  /** PLAIN's simulated LDAP directory: the passwords of $external users. */
  readonly directory = new ExternalDirectory();
  /** MONGODB-AWS: the key pairs the simulated STS knows, and the STS host sent to clients (mongod's awsStsHost). */
  readonly awsSts = new AwsStsSimulation();
  awsStsHost = 'sts.amazonaws.com';
  /** MONGODB-OIDC: the identity provider whose tokens authenticate $external users (none: mechanism unavailable). */
  oidc: OidcIdentityProvider | undefined = undefined;

  /**
   * getParameter authenticationMechanisms: what mongod would list — SCRAM and X.509 always, PLAIN
   * (the simulated LDAP proxy), and MONGODB-AWS / MONGODB-OIDC only when configured.
   */
  enabledMechanisms(): string[] {
    const mechanisms = ['MONGODB-X509', 'PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'];
    if (this.awsSts.configured) mechanisms.push(AWS_MECHANISM);
    if (this.oidc !== undefined) mechanisms.push(OIDC_MECHANISM);
    return mechanisms;
  }

  /** `enforce`: unauthenticated connections may run only ALLOWED_UNAUTHENTICATED commands. */
  constructor(readonly enforce: boolean) {}

  /**
   * The connection's user. A user dropped since it authenticated is forgotten, as mongod's
   * AuthorizationSession drops a user the user cache no longer finds (_refreshUserInfoAsNeeded).
   */
  authenticatedUser(auth: ConnectionAuthState | undefined): { readonly user: string; readonly db: string } | undefined {
    const name = auth?.user;
    if (auth === undefined || name === undefined) return undefined;
    if (this.users.get(name.db, name.user) !== undefined) return name;
    auth.user = undefined;
    return undefined;
  }

  /** The roles of the connection's user; none when it has not authenticated (or its user was dropped). */
  rolesOf(auth: ConnectionAuthState | undefined): RoleName[] {
    const name = this.authenticatedUser(auth);
    if (name === undefined) return [];
    return this.users.get(name.db, name.user)?.roles ?? [];
  }

  /** Whether the connection's user may run `action` on `resource` (always, when access control is off). */
  allows(auth: ConnectionAuthState | undefined, action: string, resource: Resource): boolean {
    return !this.enforce || this.users.roles.grants(this.rolesOf(auth), action, resource);
  }

  /** Every privilege the connection's user holds, inherited ones included (connectionStatus showPrivileges). */
  privilegesOf(auth: ConnectionAuthState | undefined): RolePrivilege[] {
    return this.users.roles.privilegesOf(this.rolesOf(auth));
  }

  /**
   * Throws Unauthorized when access control is on and the connection may not run the command:
   * mongod's "Command <name> requires authentication" before authentication, then
   * "not authorized on <db> to execute command { ... }" when no role of the user grants a
   * privilege the command needs (mongodb/mongo src/mongo/db/commands.cpp, checkAuthorizationImplPreParse
   * and CommandInvocation::checkAuthorization). While no user exists, loopback connections get
   * mongod's localhost exception (see localhostExceptionAllows).
   */
  checkAccess(commandName: string, auth: ConnectionAuthState | undefined, body: Document = {}, dbName = 'admin', remoteAddress = ''): void {
    if (ALLOWED_UNAUTHENTICATED.has(commandName)) return;
    // mongod fails every command once the connection's OIDC token expired, until it re-authenticates.
    const expiresAt = auth?.oidcExpiresAtMS;
    if (expiresAt !== undefined && auth?.user !== undefined && Date.now() >= expiresAt) {
      throw new CommandError(ErrorCodes.ReauthenticationRequired, 'Reauthentication required: the OIDC access token of this connection has expired');
    }
    if (!this.enforce) return;
    const name = this.authenticatedUser(auth);
    const localhostBypass = name === undefined && this.users.all().length === 0 && isLoopbackAddress(remoteAddress);
    if (name === undefined && !localhostBypass) throw new CommandError(ErrorCodes.Unauthorized, `Command ${commandName} requires authentication`);
    if (name !== undefined && commandName === 'usersInfo' && isOwnUsersInfo(body.usersInfo, name, dbName)) return;
    const roles = this.rolesOf(auth);
    const denied = requiredPrivileges(commandName, body, dbName).some(
      (privilege) => !this.users.roles.grants(roles, privilege.action, privilege.resource) && !(localhostBypass && localhostExceptionAllows(privilege)),
    );
    if (denied) throw new CommandError(ErrorCodes.Unauthorized, `not authorized on ${dbName} to execute command ${commandText(body)}`);
  }

  saslStart(command: Document, dbName: string, auth: ConnectionAuthState): Document {
    const mechanism = command.mechanism;
    if (typeof mechanism !== 'string') {
      throw new CommandError(ErrorCodes.IDLFailedToParse, "BSON field 'saslStart.mechanism' is missing but a required field");
    }
    auth.conversation = undefined;
    if (mechanism === 'PLAIN' && dbName === EXTERNAL_DB) return this.plainStart(command, auth);
    if (mechanism === AWS_MECHANISM && dbName === EXTERNAL_DB) return this.awsStart(command, auth);
    if (mechanism === OIDC_MECHANISM && dbName === EXTERNAL_DB && this.oidc !== undefined) return this.oidcStart(command, auth, this.oidc);
    if (!isScramMechanism(mechanism)) {
      throw new CommandError(ErrorCodes.MechanismUnavailable, `Received authentication for mechanism ${mechanism} which is unknown or not enabled`);
    }
    const { bytes, asString } = payloadOf(command);
    let scram: ServerScramConversation;
    try {
      const clientFirst = parseClientFirst(bytes.toString('utf8'));
      const user = this.users.get(dbName, clientFirst.user);
      if (user === undefined) throw failed();
      const options = command.options;
      const skipEmptyExchange = typeof options === 'object' && options !== null && (options as Document).skipEmptyExchange === true;
      scram = new ServerScramConversation(mechanism, user, clientFirst, skipEmptyExchange);
    } catch {
      // mongod never tells a client why: unknown user, missing credential and bad message all look alike.
      throw failed();
    }
    auth.conversation = { id: CONVERSATION_ID, db: dbName, scram, payloadAsString: asString };
    return { conversationId: CONVERSATION_ID, done: false, payload: encodePayload(scram.serverFirstMessage(), asString) };
  }

  /** PLAIN is a single step: the reply is `done` with an empty payload, or AuthenticationFailed. */
  private plainStart(command: Document, auth: ConnectionAuthState): Document {
    const { bytes, asString } = payloadOf(command);
    auth.user = authenticatePlain(bytes, this.users, this.directory);
    return { conversationId: CONVERSATION_ID, done: true, payload: encodePayload(Buffer.alloc(0), asString) };
  }

  /** MONGODB-AWS's first step: the server nonce and STS host; saslContinue checks the signed request. */
  private awsStart(command: Document, auth: ConnectionAuthState): Document {
    const { bytes, asString } = payloadOf(command);
    const aws = new ServerAwsConversation(bytes, this.awsStsHost, this.awsSts, this.users);
    auth.conversation = { id: CONVERSATION_ID, db: EXTERNAL_DB, aws, payloadAsString: asString };
    return { conversationId: CONVERSATION_ID, done: false, payload: encodePayload(aws.serverFirst(), asString) };
  }

  /** MONGODB-OIDC: a JWT (one-step flow) is verified at once; a principal (two-step flow) gets the IdpInfo. */
  private oidcStart(command: Document, auth: ConnectionAuthState, provider: OidcIdentityProvider): Document {
    const { bytes, asString } = payloadOf(command);
    const step = provider.start(bytes, this.users);
    if (step.kind === 'idpInfo') {
      auth.conversation = { id: CONVERSATION_ID, db: EXTERNAL_DB, oidc: provider, payloadAsString: asString };
      return { conversationId: CONVERSATION_ID, done: false, payload: encodePayload(Buffer.from(serialize(step.idpInfo)), asString) };
    }
    this.acceptOidc(auth, step.result);
    return { conversationId: CONVERSATION_ID, done: true, payload: encodePayload(Buffer.alloc(0), asString) };
  }

  private acceptOidc(auth: ConnectionAuthState, { user, db, expiresAtMS }: OidcAuthentication): void {
    auth.user = { user, db };
    auth.oidcExpiresAtMS = expiresAtMS;
  }

  /** The `authenticate` command (MONGODB-X509): mongod's reply { dbname, user }. */
  authenticate(command: Document, dbName: string, auth: ConnectionAuthState): Document {
    const name = authenticateX509(command, dbName, auth.x509Subject, this.users);
    auth.conversation = undefined;
    auth.user = name;
    return { dbname: name.db, user: name.user };
  }

  saslContinue(command: Document, auth: ConnectionAuthState): Document {
    const conversation = auth.conversation;
    if (conversation === undefined) throw new CommandError(ErrorCodes.ProtocolError, 'No SASL session state found');
    if (command.conversationId !== conversation.id) {
      auth.conversation = undefined;
      throw new CommandError(ErrorCodes.ProtocolError, 'sasl: Mismatched conversation id');
    }
    const { bytes } = payloadOf(command);
    if (conversation.oidc !== undefined) {
      auth.conversation = undefined;
      this.acceptOidc(auth, conversation.oidc.authenticate(bytes, this.users));
      return { conversationId: conversation.id, done: true, payload: encodePayload(Buffer.alloc(0), conversation.payloadAsString) };
    }
    if (conversation.aws !== undefined) {
      auth.conversation = undefined;
      auth.user = conversation.aws.finish(bytes);
      return { conversationId: conversation.id, done: true, payload: encodePayload(Buffer.alloc(0), conversation.payloadAsString) };
    }
    let step;
    try {
      step = conversation.scram.next(bytes);
    } catch {
      auth.conversation = undefined;
      throw failed();
    }
    const payload = encodePayload(step.payload, conversation.payloadAsString);
    if (step.kind === 'reply') return { conversationId: conversation.id, done: step.done, payload };
    auth.conversation = undefined;
    auth.user = { user: conversation.scram.user.user, db: conversation.db };
    return { conversationId: conversation.id, done: true, payload };
  }

  /** The hello reply's additions: the user's mechanisms and the speculative first SASL step. */
  helloFields(command: Document, auth: ConnectionAuthState | undefined): Document {
    const fields: Document = {};
    const requested = command.saslSupportedMechs;
    if (typeof requested === 'string') {
      const dot = requested.indexOf('.');
      if (dot <= 0) throw new CommandError(ErrorCodes.BadValue, `UserName must contain a '.' separated database.user pair: ${requested}`);
      const user = this.users.get(requested.slice(0, dot), requested.slice(dot + 1));
      if (user !== undefined) fields.saslSupportedMechs = [...user.mechanisms];
    }
    const speculative = command.speculativeAuthenticate;
    if (auth !== undefined && typeof speculative === 'object' && speculative !== null && !Array.isArray(speculative)) {
      const start = speculative as Document;
      if (start.saslStart !== undefined && typeof start.db === 'string') {
        // A failed speculative attempt is not an error: the client falls back to saslStart.
        try {
          fields.speculativeAuthenticate = this.saslStart(start, start.db, auth);
        } catch {
          auth.conversation = undefined;
        }
      } else if (start.authenticate !== undefined) {
        // X.509 (handshake spec): the authenticate command itself, its db implied ($external).
        try {
          fields.speculativeAuthenticate = this.authenticate(start, typeof start.db === 'string' ? start.db : EXTERNAL_DB, auth);
        } catch {
          // Not authenticated: the client sends `authenticate` and gets the error there.
        }
      }
    }
    return fields;
  }
}

/** mongod lets every user look up itself with usersInfo (usersInfo's checkAuthForOperation). */
function isOwnUsersInfo(selector: unknown, self: { readonly user: string; readonly db: string }, dbName: string): boolean {
  if (typeof selector === 'string') return selector === self.user && dbName === self.db;
  if (typeof selector === 'object' && selector !== null && !Array.isArray(selector)) {
    const { user, db } = selector as { user?: unknown; db?: unknown };
    return user === self.user && db === self.db;
  }
  return false;
}
