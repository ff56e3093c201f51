// What a secondary refuses, as mongod does: commands that write (or need the primary) fail
// NotWritablePrimary; reads need "secondaryOk" — for OP_MSG a $readPreference other than
// primary — else NotPrimaryNoSecondaryOk. Multi-document transactions run on the primary only.
// Everything else (hello, auth, sessions, failpoints, replSet*, server info) runs anywhere.
// As on mongod 4.4+, these "not primary" errors carry the member's topologyVersion, so a
// driver can tell a stale error from news (SDAM).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';

/** Commands mongod runs on the primary only (secondaryAllowed: never). */
const PRIMARY_ONLY = new Set([
  'insert', 'update', 'delete', 'findAndModify', 'bulkWrite',
  'create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'renameCollection', 'collMod',
  'commitTransaction', 'abortTransaction', 'createUser', 'updateUser', 'dropUser', 'dropAllUsersFromDatabase',
  'createRole', 'dropRole', 'grantRolesToUser', 'revokeRolesFromUser',
]);

/** Reads a secondary runs only with secondaryOk (secondaryAllowed: optIn). */
const SECONDARY_OK_READS = new Set([
  'find', 'aggregate', 'count', 'distinct', 'listCollections', 'listIndexes', 'listDatabases', 'dbStats', 'collStats', 'explain',
  'mapReduce', 'geoNear', 'dataSize',
]);

function secondaryOk(body: Document): boolean {
  const preference = body.$readPreference;
  if (typeof preference !== 'object' || preference === null) return false;
  const mode = (preference as Document).mode;
  return typeof mode === 'string' && mode !== 'primary';
}

/** Whether only a primary runs the command: a write, or any statement of a transaction. */
export function needsPrimary(commandName: string, body: Document): boolean {
  return body.autocommit !== undefined || PRIMARY_ONLY.has(commandName);
}

/** Throws the error a secondary answers `commandName` with, if it refuses it. */
export function checkSecondaryMayRun(commandName: string, body: Document, topologyVersion: Document): void {
  if (body.autocommit !== undefined) {
    throw new CommandError(ErrorCodes.NotWritablePrimary, 'Transactions are only supported on the primary: not primary', { topologyVersion });
  }
  if (PRIMARY_ONLY.has(commandName)) throw new CommandError(ErrorCodes.NotWritablePrimary, 'not primary', { topologyVersion });
  if (SECONDARY_OK_READS.has(commandName) && !secondaryOk(body)) {
    throw new CommandError(ErrorCodes.NotPrimaryNoSecondaryOk, 'not primary and secondaryOk=false', { topologyVersion });
  }
}
