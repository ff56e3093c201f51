// Read preference, read concern and write concern flow client → db → collection →
// operation. Each level resolves its own once; an operation without overrides
// reuses its collection's object (no per-operation allocation).
import type { Document } from '../bson.js';
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
  const level = resolveLevel(parent, options);
  if (options.session === undefined) return level;
  return { readPreference: level.readPreference, readConcern: level.readConcern, writeConcern: level.writeConcern, session: options.session };
}

export function rootLevel(readPreference: ReadPreferenceLike, readConcern: Document | undefined, writeConcern: Document | undefined): Resolved {
  return { readPreference, readConcern, writeConcern };
}
