// One ClientSession's transaction (transactions spec): the state machine, the options
// resolved at startTransaction, and what the commit/abort commands need to remember
// (whether commit already went out, the sharded recoveryToken, the pinned mongos).
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoTransactionError } from '../errors.js';

/** The spec's states; committed_empty is "committed" with nothing ever sent to the server. */
export type TransactionState = 'none' | 'starting' | 'in_progress' | 'committed' | 'committed_empty' | 'aborted';

export type TransactionReadPreferenceMode = 'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';

/** A read preference as the transaction sees it (the concerns value class and plain objects both fit). */
export interface TransactionReadPreference {
  readonly mode: TransactionReadPreferenceMode;
  readonly tags?: readonly Document[];
  readonly maxStalenessSeconds?: number;
  readonly hedge?: Document;
}

export interface TransactionOptions {
  /** Sent on the transaction's first command only. */
  readConcern?: { readonly level?: string };
  /** Sent on commitTransaction / abortTransaction only; must be acknowledged. */
  writeConcern?: {
    readonly w?: number | string;
    readonly wtimeoutMS?: number;
    readonly wtimeout?: number;
    readonly journal?: boolean;
    readonly j?: boolean;
  };
  /** Reads in a transaction must use primary. */
  readPreference?: TransactionReadPreference | TransactionReadPreferenceMode;
  /** maxTimeMS of each commitTransaction command (deprecated in favour of timeoutMS). */
  maxCommitTimeMS?: number;
}

/** The client's own concerns, which a transaction inherits when neither its options nor the session's defaults set them. */
export interface TransactionDefaults {
  readonly readConcern?: Document;
  readonly writeConcern?: Document;
  readonly readPreference?: TransactionReadPreference;
}

/** Options with every inheritance applied, in command-field form. */
export interface ResolvedTransactionOptions {
  readonly readConcern: Document | undefined;
  readonly writeConcern: Document | undefined;
  readonly readPreference: TransactionReadPreference;
  readonly maxCommitTimeMS: number | undefined;
}

const MODES: ReadonlySet<string> = new Set(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest']);
const PRIMARY: TransactionReadPreference = Object.freeze({ mode: 'primary' });

function readConcernField(value: TransactionOptions['readConcern']): Document | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw new MongoInvalidArgumentError('transaction readConcern must be an object');
  return value.level === undefined ? undefined : { level: value.level };
}

function writeConcernField(value: TransactionOptions['writeConcern']): Document | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw new MongoInvalidArgumentError('transaction writeConcern must be an object');
  const doc: Document = {};
  if (value.w !== undefined) doc.w = value.w;
  const journal = value.journal ?? value.j;
  if (journal !== undefined) doc.j = journal;
  const wtimeout = value.wtimeoutMS ?? value.wtimeout;
  if (wtimeout !== undefined) doc.wtimeout = wtimeout;
  return Object.keys(doc).length === 0 ? undefined : doc;
}

function readPreferenceOf(value: TransactionOptions['readPreference']): TransactionReadPreference | undefined {
  if (value === undefined || value === null) return undefined;
  const mode: unknown = typeof value === 'string' ? value : typeof value === 'object' ? value.mode : undefined;
  if (typeof mode !== 'string' || !MODES.has(mode)) throw new MongoInvalidArgumentError(`transaction readPreference mode '${String(mode)}' is not one of ${[...MODES].join(', ')}`);
  return typeof value === 'string' ? { mode: value } : value;
}

function maxCommitTimeOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new MongoInvalidArgumentError('maxCommitTimeMS must be a non-negative number');
  return value;
}

function isUnacknowledged(writeConcern: Document | undefined): boolean {
  if (writeConcern === undefined) return false;
  const w: unknown = writeConcern.w;
  return (typeof w === 'number' || (typeof w === 'object' && w !== null)) && Number(w) === 0;
}

/** startTransaction's options, else the session's defaults, else the client's (per option). */
export function resolveTransactionOptions(
  options: TransactionOptions | undefined,
  sessionDefaults: TransactionOptions | undefined,
  client: TransactionDefaults,
): ResolvedTransactionOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new MongoInvalidArgumentError('transaction options must be an object');
  const readConcern = readConcernField(options?.readConcern) ?? readConcernField(sessionDefaults?.readConcern) ?? client.readConcern;
  const writeConcern = writeConcernField(options?.writeConcern) ?? writeConcernField(sessionDefaults?.writeConcern) ?? client.writeConcern;
  const readPreference = readPreferenceOf(options?.readPreference) ?? readPreferenceOf(sessionDefaults?.readPreference) ?? client.readPreference ?? PRIMARY;
  const maxCommitTimeMS = maxCommitTimeOf(options?.maxCommitTimeMS) ?? maxCommitTimeOf(sessionDefaults?.maxCommitTimeMS);
  if (isUnacknowledged(writeConcern)) throw new MongoTransactionError('transactions do not support unacknowledged write concerns');
  return { readConcern, writeConcern, readPreference, maxCommitTimeMS };
}

/** Validates defaultTransactionOptions at startSession, so a bad value fails early. */
export function validateDefaultTransactionOptions(options: TransactionOptions | undefined): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) throw new MongoInvalidArgumentError('defaultTransactionOptions must be an object');
  readConcernField(options.readConcern);
  writeConcernField(options.writeConcern);
  readPreferenceOf(options.readPreference);
  maxCommitTimeOf(options.maxCommitTimeMS);
}

/** A connection held by a load-balanced transaction (crud's ConnectionHandle, opaque here). */
export interface PinnedConnection {
  readonly connection: unknown;
  /** Checks the connection back into its pool. */
  release(): void;
}

export class Transaction {
  private current: TransactionState = 'none';
  /** Options of the current (or last) transaction. */
  options: ResolvedTransactionOptions | undefined;
  /**
   * A commitTransaction attempt already ran (or failed other than by overload): later attempts
   * use w: majority, so a retry cannot commit the transaction twice.
   */
  commitNeedsMajority = false;
  /** The latest recoveryToken a mongos returned in this transaction (sharded only). */
  recoveryToken: Document | undefined;
  /** The mongos (sharded) or load balancer the transaction runs on; opaque to this layer. */
  pinnedServer: unknown;
  /** Load-balanced mode: the connection every command of the transaction uses, and how to give it back. */
  pinnedConnection: PinnedConnection | undefined;

  /** Pins the connection the transaction started on (load-balancers spec); a previous pin is released. */
  pinConnection(pin: PinnedConnection): void {
    if (this.pinnedConnection?.connection === pin.connection) return;
    this.unpin();
    this.pinnedConnection = pin;
  }

  /** Forgets the pinned server and checks the pinned connection (if any) back into its pool. */
  unpin(): void {
    this.pinnedServer = undefined;
    const pin = this.pinnedConnection;
    this.pinnedConnection = undefined;
    pin?.release();
  }

  get state(): TransactionState {
    return this.current;
  }

  /** starting or in_progress: operations with this session belong to the transaction. */
  get isActive(): boolean {
    return this.current === 'starting' || this.current === 'in_progress';
  }

  get isCommitted(): boolean {
    return this.current === 'committed' || this.current === 'committed_empty';
  }

  start(options: ResolvedTransactionOptions): void {
    if (this.isActive) throw new MongoTransactionError('Transaction already in progress');
    this.options = options;
    this.current = 'starting';
    this.commitNeedsMajority = false;
    this.recoveryToken = undefined;
    this.unpin();
  }

  /** The first command of the transaction is being sent. */
  markInProgress(): void {
    if (this.current === 'starting') this.current = 'in_progress';
  }

  /** A client-side error on the first command: the transaction has not started after all. */
  revertToStarting(): void {
    if (this.current === 'in_progress') this.current = 'starting';
  }

  /** Throws the spec's message when commit is not allowed now. */
  checkCommit(): void {
    if (this.current === 'none') throw new MongoTransactionError('No transaction started');
    if (this.current === 'aborted') throw new MongoTransactionError('Cannot call commitTransaction after calling abortTransaction');
  }

  /** Throws the spec's message when abort is not allowed now. */
  checkAbort(): void {
    if (this.current === 'none') throw new MongoTransactionError('No transaction started');
    if (this.isCommitted) throw new MongoTransactionError('Cannot call abortTransaction after calling commitTransaction');
    if (this.current === 'aborted') throw new MongoTransactionError('Cannot call abortTransaction twice');
  }

  markCommitted(empty: boolean): void {
    this.current = empty ? 'committed_empty' : 'committed';
  }

  markAborted(): void {
    this.current = 'aborted';
    this.unpin();
  }

  /** Any other operation after commit or abort leaves the transaction behind. */
  resetAfterEnd(): void {
    if (this.current === 'committed' || this.current === 'committed_empty' || this.current === 'aborted') {
      this.current = 'none';
      this.recoveryToken = undefined;
      this.unpin();
    }
  }
}
