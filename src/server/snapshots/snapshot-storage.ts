// The storage a snapshot read (readConcern snapshot outside a transaction) sees:
// every collection as it was at the read's cluster time, read-only. Handlers
// take it in place of the server's storage, as they take a transaction's.
import type { Document } from '../../bson.js';
import type { ChangeEntry } from '../change-streams/change-entry.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { OverlayStorage } from '../storage/overlay-storage.js';
import { Storage, type CollectionStore } from '../storage/storage.js';
import { collectionAsOf } from './collection-as-of.js';

function readOnly(): CommandError {
  return new CommandError(ErrorCodes.InvalidOptions, 'Cannot write with readConcern level "snapshot" outside a transaction');
}

export class SnapshotStorage extends OverlayStorage {
  /** Each collection is rebuilt once per command, however often it is read. */
  private readonly rebuilt = new Map<string, CollectionStore | undefined>();

  constructor(
    base: Storage,
    /** The change-log entries committed after the read's time, newest first. */
    private readonly newer: readonly ChangeEntry[],
  ) {
    super(base);
  }

  override collection(dbName: string, collName: string): CollectionStore | undefined {
    const current = this.base.collection(dbName, collName);
    if (this.newer.length === 0) return current;
    const key = `${dbName}\u0000${collName}`;
    if (!this.rebuilt.has(key)) this.rebuilt.set(key, collectionAsOf(current, this.newer, dbName, collName));
    return this.rebuilt.get(key);
  }

  override ensureCollection(): { collection: CollectionStore; created: boolean } {
    throw readOnly();
  }

  override createCollection(): CollectionStore {
    throw readOnly();
  }

  override dropCollection(): CollectionStore | undefined {
    throw readOnly();
  }

  override dropDatabase(): boolean {
    throw readOnly();
  }

  override renameCollection(): void {
    throw readOnly();
  }

  override summaries(): Document[] {
    return this.base.summaries();
  }
}
