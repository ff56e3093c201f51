// Entities mongrove cannot back yet (no sessions, no GridFS). They can be created, so a
// file that declares one still runs its other tests; every use fails the test with
// UnsupportedOperationError (a runner error, never mistaken for an expected error).
import type { Document } from '../../../src/bson.js';
import { UnsupportedOperationError, type BucketHandle, type OperationArgs, type SessionHandle, type TransactionState } from '../adapter.js';

const NO_SESSIONS = 'session (mongrove has no sessions yet)';

export class UnsupportedSession implements SessionHandle {
  readonly kind = 'session';

  get lsid(): Document {
    throw new UnsupportedOperationError(NO_SESSIONS, 'lsid');
  }

  transactionState(): TransactionState {
    throw new UnsupportedOperationError(NO_SESSIONS, 'transactionState');
  }

  isPinned(): boolean {
    throw new UnsupportedOperationError(NO_SESSIONS, 'isPinned');
  }

  pinnedAddress(): string | undefined {
    throw new UnsupportedOperationError(NO_SESSIONS, 'pinnedAddress');
  }

  isDirty(): boolean {
    throw new UnsupportedOperationError(NO_SESSIONS, 'isDirty');
  }

  async end(): Promise<void> {
    // Nothing was started, so there is nothing to end.
  }

  run(name: string, _args: OperationArgs): Promise<unknown> {
    return Promise.reject(new UnsupportedOperationError(NO_SESSIONS, name));
  }
}

export class UnsupportedBucket implements BucketHandle {
  readonly kind = 'bucket';

  run(name: string, _args: OperationArgs): Promise<unknown> {
    return Promise.reject(new UnsupportedOperationError('bucket (mongrove has no GridFS yet)', name));
  }
}
