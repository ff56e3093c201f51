// One object per command: it builds only its command body and reads only its reply.
// What the executor needs to know about it (read or write, retryable, cursor-creating,
// pinned server, which concerns apply) is data on the object, never an instanceof test.
import type { Document } from '../../bson.js';
import type { DocumentSequence, SerializedDocumentSequence } from '../../wire/types.js';
import type { ReadPreferenceLike } from '../concerns.js';
import type { ConnectionHandle, ServerHandle, TimeoutContextLike } from '../target.js';

export type OperationKind = 'read' | 'write' | 'command';

export interface OperationCapabilities {
  readonly kind: OperationKind;
  /** Eligible for a retryable read/write (the executor still checks settings and the server). */
  readonly retryable: boolean;
  readonly createsCursor: boolean;
  /** Runs on a given server (getMore, killCursors), never through selection. */
  readonly mustUseSameServer: boolean;
  /** False: always primary (writes, most admin commands). */
  readonly readPreferenceAllowed: boolean;
  /** The executor attaches the inherited readConcern. */
  readonly usesReadConcern: boolean;
  /** The executor attaches the inherited writeConcern. */
  readonly usesWriteConcern: boolean;
  /**
   * The operation reads writeConcernError itself (bulk writes merge it into a result);
   * otherwise the executor raises MongoWriteConcernError.
   */
  readonly ownsWriteConcernErrors: boolean;
  /**
   * commitTransaction / abortTransaction: retried once as retryable writes whatever
   * retryWrites says, with the transaction's fields added by the session hooks.
   */
  readonly endsTransaction?: boolean;
}

function caps(partial: Partial<OperationCapabilities> & Pick<OperationCapabilities, 'kind'>): OperationCapabilities {
  return Object.freeze({
    retryable: false,
    createsCursor: false,
    mustUseSameServer: false,
    readPreferenceAllowed: false,
    usesReadConcern: false,
    usesWriteConcern: false,
    ownsWriteConcernErrors: false,
    ...partial,
  });
}

/** find, aggregate (without $out/$merge), listCollections, listIndexes. */
export const CURSOR_READ = caps({ kind: 'read', retryable: true, createsCursor: true, readPreferenceAllowed: true, usesReadConcern: true });
/** listCollections, listIndexes: cursors without readConcern. */
export const CURSOR_COMMAND = caps({ kind: 'read', retryable: true, createsCursor: true, readPreferenceAllowed: true });
/** count, distinct, findOne (a find that never leaves a cursor). */
export const READ = caps({ kind: 'read', retryable: true, readPreferenceAllowed: true, usesReadConcern: true });
/** insert/update/delete statements (single) and findAndModify. */
export const WRITE = caps({ kind: 'write', retryable: true, usesWriteConcern: true });
/** multi-statement or multi-document writes that are not retryable (updateMany, deleteMany). */
export const WRITE_NOT_RETRYABLE = caps({ kind: 'write', usesWriteConcern: true });
/** Bulk batches: merge writeConcernError into the bulk result. */
export const BULK_WRITE = caps({ kind: 'write', retryable: true, usesWriteConcern: true, ownsWriteConcernErrors: true });
export const BULK_WRITE_NOT_RETRYABLE = caps({ kind: 'write', usesWriteConcern: true, ownsWriteConcernErrors: true });
/** aggregate with $out/$merge: a write that returns a cursor. */
export const CURSOR_WRITE = caps({ kind: 'write', createsCursor: true, readPreferenceAllowed: true, usesReadConcern: true, usesWriteConcern: true });
/** DDL (create, drop, createIndexes, …): primary, write concern. */
export const DDL = caps({ kind: 'command', usesWriteConcern: true });
/** Admin reads (listDatabases): primary, no concerns. */
export const ADMIN_READ = caps({ kind: 'command', retryable: true, readPreferenceAllowed: true });
/** runCommand: nothing injected but $readPreference when given. */
export const RUN_COMMAND = caps({ kind: 'command', readPreferenceAllowed: true });
/** runCursorCommand: runCommand's rules for a command that opens a cursor. */
export const RUN_CURSOR_COMMAND = caps({ kind: 'command', createsCursor: true, readPreferenceAllowed: true });
/** Atlas Search index commands: proxied to the search service, so they take no read or write concern. */
export const SEARCH_INDEX_COMMAND = caps({ kind: 'command' });
/** commitTransaction / abortTransaction (admin, primary; the session hooks add the write concern). */
export const END_TRANSACTION = caps({ kind: 'write', retryable: true, endsTransaction: true });
/** getMore on the cursor's server. */
export const GET_MORE = caps({ kind: 'read', mustUseSameServer: true });
/** killCursors on the cursor's server. */
export const KILL_CURSORS = caps({ kind: 'command', mustUseSameServer: true });

export interface ExecutionContext {
  readonly server: ServerHandle;
  readonly connection: ConnectionHandle;
}

/** An operation carries the inherited fields its capabilities allow (see BaseOperation). */
export interface Operation<TResult> extends OperationInheritance {
  readonly commandName: string;
  readonly dbName: string;
  readonly capabilities: OperationCapabilities;
  /** The command body without cross-cutting fields; the command name is its first key. */
  buildCommand(context: ExecutionContext): Document;
  /** OP_MSG kind-1 sections, if the command sends any. */
  sequences?(context: ExecutionContext): ReadonlyArray<DocumentSequence | SerializedDocumentSequence> | undefined;
  /** Reads an `ok: 1` reply. */
  handleReply(reply: Document, context: ExecutionContext): TResult;
}

/** Common per-operation inputs that decide the cross-cutting fields. */
export interface OperationInheritance {
  /** For readPreferenceAllowed operations; undefined means primary. */
  readonly readPreference?: ReadPreferenceLike;
  /** Command-field form (already converted), or undefined for the server default. */
  readonly readConcern?: Document;
  readonly writeConcern?: Document;
  /** Opaque to the executor: handed to the session hooks. */
  readonly session?: unknown;
  /** CSOT: the inherited timeoutMS (undefined: legacy timeouts apply). */
  readonly timeoutMS?: number;
  /** CSOT: the deadline the operation's commands share, when the API call started one. */
  readonly timeoutContext?: TimeoutContextLike;
}

/**
 * What every operation built from an inheritance shares: the concerns and session it carries
 * are the inherited ones its capabilities allow, by this one rule.
 */
export abstract class BaseOperation<TResult> implements Operation<TResult> {
  abstract readonly commandName: string;
  readonly readPreference?: ReadPreferenceLike;
  readonly readConcern?: Document;
  readonly writeConcern?: Document;
  readonly session?: unknown;
  readonly timeoutMS?: number;
  readonly timeoutContext?: TimeoutContextLike;

  constructor(
    readonly dbName: string,
    readonly capabilities: OperationCapabilities,
    inherited: OperationInheritance,
  ) {
    this.readPreference = capabilities.readPreferenceAllowed ? inherited.readPreference : undefined;
    this.readConcern = capabilities.usesReadConcern ? inherited.readConcern : undefined;
    this.writeConcern = capabilities.usesWriteConcern ? inherited.writeConcern : undefined;
    this.session = inherited.session;
    this.timeoutMS = inherited.timeoutMS;
    this.timeoutContext = inherited.timeoutContext;
  }

  abstract buildCommand(context: ExecutionContext): Document;
  abstract handleReply(reply: Document, context: ExecutionContext): TResult;
}

/** Copies `value` into `body[key]` only when defined (bodies stay small and ordered). */
export function setIfDefined(body: Document, key: string, value: unknown): void {
  if (value !== undefined) body[key] = value;
}
