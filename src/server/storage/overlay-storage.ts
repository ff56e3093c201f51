// A Storage that is a view over another one: database listings read through to the
// base, and a subclass decides what each collection is (a transaction's private
// copies, a snapshot as of a cluster time). Handlers take it in place of the base.
import { Storage, type DatabaseStore } from './storage.js';

export abstract class OverlayStorage extends Storage {
  constructor(protected readonly base: Storage) {
    super();
  }

  override databaseNames(): string[] {
    return this.base.databaseNames();
  }

  override database(name: string): DatabaseStore | undefined {
    return this.base.database(name);
  }
}
