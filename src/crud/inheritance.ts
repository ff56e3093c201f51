// Read preference, read concern and write concern flow client → db → collection →
// operation. Each level resolves its own once; an operation without overrides
// reuses its collection's object (no per-operation allocation).
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoTransactionError } from '../errors.js';
import { ClientSession } from '../sessions/index.js';
import { readConcernDocument, toReadPreference, writeConcernDocument, type ReadConcernLike, type ReadPreferenceLike, type WriteConcernLike } from './concerns.js';
import type { OperationInheritance } from './operations/operation.js';
import { contextFor, validateTimeoutMS } from './csot.js';
import type { TimeoutContext } from '../connection/timeout-context.js';

/** The options at any level that override the inherited concerns. */
export interface ConcernOptions {
  readPreference?: ReadPreferenceLike | string;
  readConcern?: ReadConcernLike;
  writeConcern?: WriteConcernLike;
  /**
   * Client-side operations timeout in ms (0: no limit). Inherited client → db → collection →
   * operation; once set at a level it cannot be unset below it, only set to 0.
   */
  timeoutMS?: number;
  /**
   * @internal A deadline started by a caller whose one operation sends several commands
   * (a GridFS delete, an upload stream): the commands share it instead of starting their own.
   */
  timeoutContext?: TimeoutContext;
}

export interface Resolved extends OperationInheritance {
  readonly readPreference: ReadPreferenceLike;
}

export function resolveLevel(parent: Resolved, options: ConcernOptions | undefined): Resolved {
  if (
    options === undefined ||
    (options.readPreference === undefined && options.readConcern === undefined && options.writeConcern === undefined && options.timeoutMS === undefined)
  ) {
    return parent;
  }
  const timeoutMS = validateTimeoutMS(options.timeoutMS, 'options') ?? parent.timeoutMS;
  return {
    readPreference: toReadPreference(options.readPreference) ?? parent.readPreference,
    readConcern: options.readConcern !== undefined ? readConcernDocument(options.readConcern) : parent.readConcern,
    writeConcern: options.writeConcern !== undefined ? writeConcernDocument(options.writeConcern) : parent.writeConcern,
    ...(timeoutMS !== undefined ? { timeoutMS } : {}),
  };
}

/** An operation's inheritance: its own overrides and session, else the collection's. */
export function forOperation(parent: Resolved, options: (ConcernOptions & { session?: unknown }) | undefined): OperationInheritance {
  return inherit(parent, options, withDeadline);
}

/**
 * A cursor-creating operation's inheritance: like forOperation, but its deadline does not start
 * with the API call. Cursors are lazy: the opening command is sent by the first next(), and
 * CSOT counts timeoutMS from then (CSOT "Cursors": "if a find is executed at time T"). Only a
 * deadline someone else started (withTransaction's, a caller's timeoutContext) is passed on.
 */
export function forCursor(parent: Resolved, options: (ConcernOptions & { session?: unknown }) | undefined): OperationInheritance {
  return inherit(parent, options, withTimeoutMS);
}

type ApplyTimeout = (inherited: OperationInheritance, timeoutMS: number | undefined) => OperationInheritance;

function inherit(parent: Resolved, options: (ConcernOptions & { session?: unknown }) | undefined, applyTimeout: ApplyTimeout): OperationInheritance {
  if (options === undefined) return applyTimeout(parent, parent.timeoutMS);
  const session = options.session;
  // Inside withTransaction with a timeout, the session's deadline is the operation's (CSOT "Convenient Transactions API").
  const sessionDeadline = session instanceof ClientSession ? session.timeoutContext : undefined;
  if (sessionDeadline !== undefined && options.timeoutMS !== undefined) {
    throw new MongoInvalidArgumentError('Cannot set timeoutMS on an operation that uses a session inside withTransaction with a timeout');
  }
  if (session instanceof ClientSession && session.inTransaction()) {
    const level = inTransaction(options, session);
    const timeoutMS = validateTimeoutMS(options.timeoutMS, 'options') ?? parent.timeoutMS;
    return sessionDeadline !== undefined ? { ...level, timeoutMS: sessionDeadline.timeoutMS, timeoutContext: sessionDeadline } : applyTimeout(level, timeoutMS);
  }
  const level = resolveLevel(parent, options);
  const inherited: OperationInheritance =
    session === undefined ? level : { readPreference: level.readPreference, readConcern: level.readConcern, writeConcern: level.writeConcern, session };
  if (sessionDeadline !== undefined) return { ...inherited, timeoutMS: sessionDeadline.timeoutMS, timeoutContext: sessionDeadline };
  const shared = options.timeoutContext;
  if (shared !== undefined) return { ...inherited, timeoutMS: shared.timeoutMS, timeoutContext: shared };
  return applyTimeout(inherited, level.timeoutMS);
}

/**
 * The operation's deadline starts when the API call is made: every command it sends
 * (bulk batches, retries) shares it.
 */
function withDeadline(inherited: OperationInheritance, timeoutMS: number | undefined): OperationInheritance {
  if (timeoutMS === undefined) return inherited;
  return { ...inherited, timeoutMS, timeoutContext: contextFor(timeoutMS) };
}

/** The timeoutMS alone: the deadline starts when the first command is sent. */
function withTimeoutMS(inherited: OperationInheritance, timeoutMS: number | undefined): OperationInheritance {
  if (timeoutMS === undefined) return inherited;
  return { ...inherited, timeoutMS };
}

export function rootLevel(readPreference: ReadPreferenceLike, readConcern: Document | undefined, writeConcern: Document | undefined, timeoutMS?: number): Resolved {
  return timeoutMS === undefined ? { readPreference, readConcern, writeConcern } : { readPreference, readConcern, writeConcern, timeoutMS };
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
