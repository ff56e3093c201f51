// mongrove's ClientSession as the runner's session entity, and the conversion of a
// `session` argument (a SessionHandle) back into the driver's session.
import type { Document } from '../../../src/bson.js';
import type { Client, ClientSession, SessionOptions, TransactionOptions } from '../../../src/index.js';
import { InvalidArgumentsError, UnsupportedOperationError, type OperationArgs, type SessionHandle, type TransactionState } from '../adapter.js';
import { toReadPreference } from './mongrove-convert.js';

export class MongroveSession implements SessionHandle {
  readonly kind = 'session';
  constructor(readonly driver: ClientSession<Client>) {}

  get lsid(): Document {
    return this.driver.id;
  }

  transactionState(): TransactionState {
    const state = this.driver.transactionState;
    return state === 'committed_empty' ? 'committed' : state;
  }

  isPinned(): boolean {
    return this.driver.isPinned;
  }

  pinnedAddress(): string | undefined {
    const server: unknown = this.driver.transaction.pinnedServer;
    const address: unknown = typeof server === 'object' && server !== null ? (server as { address?: unknown }).address : undefined;
    return typeof address === 'string' ? address : undefined;
  }

  isDirty(): boolean {
    return this.driver.serverSession.dirty;
  }

  advanceClusterTime(clusterTime: Document): void {
    this.driver.advanceClusterTime(clusterTime as Parameters<ClientSession<Client>['advanceClusterTime']>[0]);
  }

  async end(): Promise<void> {
    await this.driver.endSession();
  }

  async run(name: string, args: OperationArgs): Promise<unknown> {
    switch (name) {
      case 'endSession':
        await this.end();
        return undefined;
      case 'getSnapshotTime':
        return this.driver.snapshotTime;
      case 'advanceClusterTime':
        this.advanceClusterTime(args.clusterTime as Document);
        return undefined;
      case 'advanceOperationTime':
        this.driver.advanceOperationTime(args.operationTime as NonNullable<SessionOptions['snapshotTime']>);
        return undefined;
      case 'startTransaction':
        this.driver.startTransaction(transactionOptionsOf(args));
        return undefined;
      case 'commitTransaction':
        await this.driver.commitTransaction(timeoutOf(args));
        return undefined;
      case 'abortTransaction':
        await this.driver.abortTransaction(timeoutOf(args));
        return undefined;
      case 'withTransaction': {
        const callback = args.callback;
        if (typeof callback !== 'function') throw new InvalidArgumentsError(name, 'argument "callback" must be a list of operations');
        const transactionOptions = transactionOptionsOf(args);
        const timeout = timeoutOf(args);
        await this.driver.withTransaction(async () => {
          await (callback as () => Promise<unknown>)();
        }, timeout === undefined ? transactionOptions : { ...transactionOptions, ...timeout });
        return undefined;
      }
      default:
        throw new UnsupportedOperationError('session', name);
    }
  }
}

/** A timeoutMS argument (CSOT) as the per-call options of commit/abort/withTransaction. */
function timeoutOf(args: OperationArgs): { timeoutMS: number } | undefined {
  return args.timeoutMS === undefined ? undefined : { timeoutMS: args.timeoutMS as number };
}

/** The driver session behind a `session` argument. */
export function driverSession(operation: string, value: unknown): ClientSession<Client> {
  if (!(value instanceof MongroveSession)) throw new InvalidArgumentsError(operation, 'argument "session" must be a session entity');
  return value.driver;
}

/**
 * sessionOptions as the unified format writes them. snapshotTime names an entity (the
 * runner resolves it before this point only for operation arguments), so it is passed through
 * as given.
 */
export function sessionOptionsOf(options: Document | undefined): SessionOptions | undefined {
  if (options === undefined) return undefined;
  const out: SessionOptions = {};
  if (options.causalConsistency !== undefined) out.causalConsistency = options.causalConsistency as boolean;
  if (options.snapshot !== undefined) out.snapshot = options.snapshot as boolean;
  if (options.snapshotTime !== undefined) out.snapshotTime = options.snapshotTime as SessionOptions['snapshotTime'];
  if (options.defaultTimeoutMS !== undefined) out.defaultTimeoutMS = options.defaultTimeoutMS as number;
  if (options.defaultTransactionOptions !== undefined) out.defaultTransactionOptions = transactionOptionsOf(options.defaultTransactionOptions as Document);
  return out;
}

/** TransactionOptions as the unified format writes them (startTransaction / withTransaction arguments, defaultTransactionOptions). */
export function transactionOptionsOf(args: Document | undefined): TransactionOptions | undefined {
  if (args === undefined) return undefined;
  const out: TransactionOptions = {};
  let any = false;
  if (args.readConcern !== undefined) {
    out.readConcern = args.readConcern as TransactionOptions['readConcern'];
    any = true;
  }
  if (args.writeConcern !== undefined) {
    out.writeConcern = args.writeConcern as TransactionOptions['writeConcern'];
    any = true;
  }
  if (args.readPreference !== undefined) {
    out.readPreference = toReadPreference(args.readPreference) as TransactionOptions['readPreference'];
    any = true;
  }
  if (args.maxCommitTimeMS !== undefined) {
    out.maxCommitTimeMS = Number(args.maxCommitTimeMS);
    any = true;
  }
  return any ? out : undefined;
}
