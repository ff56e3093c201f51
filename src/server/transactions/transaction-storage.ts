// The storage a command inside a transaction sees: the transaction's private
// collection copies over the base storage. Handlers take it in place of the
// server's storage and need no other change. Commands that drop or rename never
// get here (they are not allowed in a transaction).
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { OverlayStorage } from '../storage/overlay-storage.js';
import { Storage, validateNames, type CollectionOptions, type CollectionStore } from '../storage/storage.js';
import type { Transaction } from './transaction.js';

function notInTransaction(what: string): CommandError {
  return new CommandError(ErrorCodes.OperationNotSupportedInTransaction, `Cannot ${what} in a multi-document transaction.`);
}

export class TransactionStorage extends OverlayStorage {
  constructor(
    base: Storage,
    private readonly transaction: Transaction,
  ) {
    super(base);
  }

  override collection(dbName: string, collName: string): CollectionStore | undefined {
    return this.transaction.collection(dbName, collName);
  }

  override ensureCollection(dbName: string, collName: string): { collection: CollectionStore; created: boolean } {
    const existing = this.collection(dbName, collName);
    if (existing) return { collection: existing, created: false };
    return { collection: this.createCollection(dbName, collName), created: true };
  }

  override createCollection(dbName: string, collName: string, options: CollectionOptions = {}): CollectionStore {
    validateNames(dbName, collName);
    if (this.collection(dbName, collName) !== undefined) {
      throw new CommandError(ErrorCodes.NamespaceExists, `Collection ${dbName}.${collName} already exists.`);
    }
    if (options.capped === true) throw notInTransaction('create a capped collection');
    return this.transaction.create(dbName, collName, options);
  }

  override dropCollection(): CollectionStore | undefined {
    throw notInTransaction('drop a collection');
  }

  override dropDatabase(): boolean {
    throw notInTransaction('drop a database');
  }

  override renameCollection(): void {
    throw notInTransaction('rename a collection');
  }

  override summaries(): Document[] {
    return this.base.summaries();
  }
}
