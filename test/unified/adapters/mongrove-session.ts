// mongrove's ClientSession as the runner's session entity, and the conversion of a
// `session` argument (a SessionHandle) back into the driver's session.
import type { Document } from '../../../src/bson.js';
import type { Client, ClientSession, SessionOptions } from '../../../src/index.js';
import { InvalidArgumentsError, UnsupportedOperationError, type OperationArgs, type SessionHandle, type TransactionState } from '../adapter.js';

export class MongroveSession implements SessionHandle {
  readonly kind = 'session';
  constructor(readonly driver: ClientSession<Client>) {}

  get lsid(): Document {
    return this.driver.id;
  }

  /** Transactions are not implemented in mongrove: a session is never in one. */
  transactionState(): TransactionState {
    return 'none';
  }

  isPinned(): boolean {
    return false;
  }

  pinnedAddress(): string | undefined {
    return undefined;
  }

  isDirty(): boolean {
    return this.driver.serverSession.dirty;
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
        this.driver.advanceClusterTime(args.clusterTime as Document);
        return undefined;
      case 'advanceOperationTime':
        this.driver.advanceOperationTime(args.operationTime as NonNullable<SessionOptions['snapshotTime']>);
        return undefined;
      case 'startTransaction':
        return this.driver.startTransaction();
      default:
        // commitTransaction, abortTransaction, withTransaction: no transactions in mongrove yet.
        throw new UnsupportedOperationError('session (mongrove has no transactions yet)', name);
    }
  }
}

/** The driver session behind a `session` argument. */
export function driverSession(operation: string, value: unknown): ClientSession<Client> {
  if (!(value instanceof MongroveSession)) throw new InvalidArgumentsError(operation, 'argument "session" must be a session entity');
  return value.driver;
}

/**
 * sessionOptions as the unified format writes them. snapshotTime names an entity (the
 * runner resolves it before this point only for operation arguments), so it is passed through
 * as given; defaultTransactionOptions are ignored (no transactions).
 */
export function sessionOptionsOf(options: Document | undefined): SessionOptions | undefined {
  if (options === undefined) return undefined;
  const out: SessionOptions = {};
  if (options.causalConsistency !== undefined) out.causalConsistency = options.causalConsistency as boolean;
  if (options.snapshot !== undefined) out.snapshot = options.snapshot as boolean;
  if (options.snapshotTime !== undefined) out.snapshotTime = options.snapshotTime as SessionOptions['snapshotTime'];
  return out;
}
