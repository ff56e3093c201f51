// The $external mechanisms: MONGODB-X509 (the `authenticate` command, or
// hello's speculativeAuthenticate) and PLAIN (a one-step saslStart checked
// against the simulated LDAP directory). Both authenticate a user stored in
// $external, whose roles then apply like every other user's.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { ExternalDirectory } from './external-directory.js';
import { AUTHENTICATION_FAILED } from './scram-conversation.js';
import type { UserStore } from './user-store.js';

export const EXTERNAL_DB = '$external';
export const X509_MECHANISM = 'MONGODB-X509';

export interface AuthenticatedName {
  readonly user: string;
  readonly db: string;
}

function failed(): CommandError {
  return new CommandError(ErrorCodes.AuthenticationFailed, AUTHENTICATION_FAILED);
}

/**
 * mongod's X.509 check (authentication_commands.cpp): the connection presented a client
 * certificate its CA verified, the requested user (when named) is that certificate's
 * RFC 2253 subject, and $external has a user of that name. Every failure is
 * AuthenticationFailed with mongod's uninformative message, as mongod answers.
 */
export function authenticateX509(command: Document, dbName: string, verifiedSubject: string | undefined, users: UserStore): AuthenticatedName {
  const mechanism = command.mechanism;
  if (mechanism !== X509_MECHANISM) {
    throw new CommandError(ErrorCodes.MechanismUnavailable, `Received authentication for mechanism ${String(mechanism)} which is unknown or not enabled`);
  }
  if (dbName !== EXTERNAL_DB || verifiedSubject === undefined) throw failed();
  const requested = command.user;
  if (requested !== undefined && requested !== verifiedSubject) throw failed();
  if (users.get(EXTERNAL_DB, verifiedSubject) === undefined) throw failed();
  return { user: verifiedSubject, db: EXTERNAL_DB };
}

/**
 * RFC 4616: "[authzid] NUL authcid NUL passwd". mongod accepts an authzid only when it names
 * the authenticating user. The user must exist in $external and the directory must accept
 * the password.
 */
export function authenticatePlain(payload: Buffer, users: UserStore, directory: ExternalDirectory): AuthenticatedName {
  const parts = payload.toString('utf8').split('\u0000');
  if (parts.length !== 3) throw failed();
  const [authzid, user, password] = parts;
  if (user.length === 0 || (authzid.length > 0 && authzid !== user)) throw failed();
  if (users.get(EXTERNAL_DB, user) === undefined || !directory.verify(user, password)) throw failed();
  return { user, db: EXTERNAL_DB };
}
