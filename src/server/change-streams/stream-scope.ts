// What one change stream watches — a collection, a database, or the whole
// cluster — and which log entries it sees or is invalidated by, as mongod's
// change stream filters decide.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, toNumber } from '../query/bson-types.js';
import type { Storage } from '../storage/storage.js';
import { EXPANDED_KINDS, type ChangeEntry, type Namespace } from './change-entry.js';
import type { ChangeStreamSpec } from './stream-spec.js';

export type StreamScope =
  | { readonly kind: 'collection'; readonly db: string; readonly coll: string }
  | { readonly kind: 'database'; readonly db: string }
  | { readonly kind: 'cluster' };

const INTERNAL_DATABASES = new Set(['admin', 'config', 'local']);

function isSystemCollection(coll: string | undefined): boolean {
  return coll !== undefined && coll.startsWith('system.');
}

/** The scope of `aggregate` on `dbName` with this $changeStream spec (errors as mongod words them). */
export function scopeOf(command: Document, dbName: string, spec: ChangeStreamSpec, storage: Storage): StreamScope {
  const target: unknown = command.aggregate;
  if (typeof target === 'string') {
    if (spec.allChangesForCluster) {
      throw new CommandError(ErrorCodes.InvalidOptions, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name");
    }
    if (INTERNAL_DATABASES.has(dbName)) throw new CommandError(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${dbName} database`);
    if (isSystemCollection(target)) throw new CommandError(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${dbName}.${target} collection`);
    if (typeof storage.collection(dbName, target)?.options.viewOn === 'string') {
      throw new CommandError(ErrorCodes.CommandNotSupportedOnView, `Namespace ${dbName}.${target} is a view, not a collection`);
    }
    return { kind: 'collection', db: dbName, coll: target };
  }
  const numeric = ['int', 'long', 'double'].includes(bsonTypeOf(target));
  if (!numeric || toNumber(target) !== 1) {
    throw new CommandError(ErrorCodes.FailedToParse, "Invalid parameter: 'aggregate' must be 1 for database-level aggregation");
  }
  if (spec.allChangesForCluster) {
    if (dbName !== 'admin') {
      throw new CommandError(ErrorCodes.InvalidOptions, "A $changeStream with 'allChangesForCluster:true' may only be opened on the 'admin' database, and with no collection name");
    }
    return { kind: 'cluster' };
  }
  if (INTERNAL_DATABASES.has(dbName)) throw new CommandError(ErrorCodes.InvalidNamespace, `$changeStream may not be opened on the internal ${dbName} database`);
  return { kind: 'database', db: dbName };
}

/** The namespace a stream's cursor reports (and getMore must name). */
export function cursorNamespace(scope: StreamScope): string {
  switch (scope.kind) {
    case 'collection': return `${scope.db}.${scope.coll}`;
    case 'database': return `${scope.db}.$cmd.aggregate`;
    case 'cluster': return 'admin.$cmd.aggregate';
  }
}

function sameNamespace(a: Namespace | undefined, scope: { db: string; coll: string }): boolean {
  return a !== undefined && a.db === scope.db && a.coll === scope.coll;
}

function inDatabase(ns: Namespace | undefined, db: string): boolean {
  return ns !== undefined && ns.db === db && !isSystemCollection(ns.coll);
}

function isUserNamespace(ns: Namespace | undefined): boolean {
  return ns !== undefined && !INTERNAL_DATABASES.has(ns.db) && !isSystemCollection(ns.coll);
}

/** Whether the entry is about what the stream watches (before the expanded-events filter). */
function concerns(scope: StreamScope, entry: ChangeEntry): boolean {
  switch (scope.kind) {
    case 'collection':
      if (entry.kind === 'dropDatabase') return entry.ns.db === scope.db;
      return sameNamespace(entry.ns, scope) || (entry.kind === 'rename' && sameNamespace(entry.to, scope));
    case 'database':
      return inDatabase(entry.ns, scope.db) || (entry.kind === 'rename' && inDatabase(entry.to, scope.db));
    case 'cluster':
      return isUserNamespace(entry.ns) || (entry.kind === 'rename' && isUserNamespace(entry.to));
  }
}

/** Whether a stream with this scope and spec reports the entry. */
export function sees(scope: StreamScope, spec: ChangeStreamSpec, entry: ChangeEntry): boolean {
  if (!spec.showExpandedEvents && (EXPANDED_KINDS.has(entry.kind) || entry.isView === true)) return false;
  return concerns(scope, entry);
}

/** Whether the entry ends the stream with an invalidate event (it must also be seen). */
export function invalidates(scope: StreamScope, entry: ChangeEntry): boolean {
  switch (scope.kind) {
    case 'collection':
      return entry.kind === 'drop' || entry.kind === 'rename' || entry.kind === 'dropDatabase';
    case 'database':
      return entry.kind === 'dropDatabase';
    case 'cluster':
      return false;
  }
}
