// Read preference, read concern and write concern flow client → db → collection →
// operation. Each level resolves its own once; an operation without overrides
// reuses its collection's object (no per-operation allocation).
import type { Document } from '../bson.js';
import { MongoTransactionError } from '../errors.js';
import { ClientSession } from '../sessions/index.js';
import { readConcernDocument, toReadPreference, writeConcernDocument, type ReadConcernLike, type ReadPreferenceLike, type WriteConcernLike } from './concerns.js';
import type { OperationInheritance } from './operations/operation.js';

/** The options at any level that override the inherited concerns. */
export interface ConcernOptions {
  readPreference?: ReadPreferenceLike | string;
  readConcern?: ReadConcernLike;
  writeConcern?: WriteConcernLike;
}

export interface Resolved extends OperationInheritance {
  readonly readPreference: ReadPreferenceLike;
}

export function resolveLevel(parent: Resolved, options: ConcernOptions | undefined): Resolved {
  if (options === undefined || (options.readPreference === undefined && options.readConcern === undefined && options.writeConcern === undefined)) {
    return parent;
  }
  return {
    readPreference: toReadPreference(options.readPreference) ?? parent.readPreference,
    readConcern: options.readConcern !== undefined ? readConcernDocument(options.readConcern) : parent.readConcern,
    writeConcern: options.writeConcern !== undefined ? writeConcernDocument(options.writeConcern) : parent.writeConcern,
  };
}

/** An operation's inheritance: its own overrides and session, else the collection's. */
export function forOperation(parent: Resolved, options: (ConcernOptions & { session?: unknown }) | undefined): OperationInheritance {
  if (options === undefined) return parent;
  if (options.session instanceof ClientSession && options.session.inTransaction()) return inTransaction(options, options.session);
  const level = resolveLevel(parent, options);
  if (options.session === undefined) return level;
  return { readPreference: level.readPreference, readConcern: level.readConcern, writeConcern: level.writeConcern, session: options.session };
}

export function rootLevel(readPreference: ReadPreferenceLike, readConcern: Document | undefined, writeConcern: Document | undefined): Resolved {
  return { readPreference, readConcern, writeConcern };
}

/**
 * In a transaction the transaction's concerns apply: inherited read and write concerns are
 * dropped (the session hooks add the transaction's), explicit ones are an error (transactions
 * spec), and reads use the operation's own read preference, else the transaction's.
 */
function inTransaction(options: ConcernOptions & { session?: unknown }, session: ClientSession<unknown>): OperationInheritance {
  if (options.readConcern !== undefined) throw new MongoTransactionError('Cannot set read concern after starting a transaction.');
  if (options.writeConcern !== undefined) throw new MongoTransactionError('Cannot set write concern after starting a transaction.');
  return { readPreference: toReadPreference(options.readPreference) ?? session.transaction.options?.readPreference, readConcern: undefined, writeConcern: undefined, session };
}
