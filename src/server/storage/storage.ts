// The embedded server's storage engine: in-memory databases holding collections.
// Databases and collections come into existence implicitly on first write.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { ChangeRecorder } from '../change-streams/change-recorder.js';
import { CollectionStore, type CollectionOptions } from './collection.js';

export { CollectionStore } from './collection.js';
export type { CollectionOptions, IndexSpec } from './collection.js';

export class DatabaseStore {
  readonly name: string;
  readonly collections = new Map<string, CollectionStore>();

  constructor(name: string) {
    this.name = name;
  }

  get sizeOnDisk(): number {
    let total = 0;
    for (const c of this.collections.values()) total += c.dataSize;
    return total;
  }
}

export function validateNames(dbName: string, collName: string): void {
  if (dbName === '' || /[/\\. "$\0]/.test(dbName)) {
    throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid database name: '${dbName}'`);
  }
  if (collName === '' || collName.includes('\0') || collName.startsWith('.') || collName.includes('$')) {
    throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid collection name: ${collName}`);
  }
}

export class Storage {
  private readonly databases = new Map<string, DatabaseStore>();
  private recorder: ChangeRecorder | undefined;

  /** Replica-set mode: from now on every committed change is recorded for change streams. */
  recordChanges(recorder: ChangeRecorder): void {
    this.recorder = recorder;
    for (const db of this.databases.values()) for (const collection of db.collections.values()) collection.observer = recorder;
  }

  /** The change recorder (and its log), present only in replica-set mode. */
  get changes(): ChangeRecorder | undefined {
    return this.recorder;
  }

  /** Names of databases that hold at least one collection. */
  databaseNames(): string[] {
    return [...this.databases.values()].filter((d) => d.collections.size > 0).map((d) => d.name);
  }

  database(name: string): DatabaseStore | undefined {
    return this.databases.get(name);
  }

  collection(dbName: string, collName: string): CollectionStore | undefined {
    return this.databases.get(dbName)?.collections.get(collName);
  }

  /** The collection, created (with its database) when missing. */
  ensureCollection(dbName: string, collName: string): { collection: CollectionStore; created: boolean } {
    const existing = this.collection(dbName, collName);
    if (existing) return { collection: existing, created: false };
    return { collection: this.createCollection(dbName, collName), created: true };
  }

  /** Creates a collection; NamespaceExists (48) when it exists. */
  createCollection(dbName: string, collName: string, options: CollectionOptions = {}): CollectionStore {
    validateNames(dbName, collName);
    let db = this.databases.get(dbName);
    if (!db) {
      db = new DatabaseStore(dbName);
      this.databases.set(dbName, db);
    }
    if (db.collections.has(collName)) {
      throw new CommandError(ErrorCodes.NamespaceExists, `Collection ${dbName}.${collName} already exists.`);
    }
    const collection = new CollectionStore(dbName, collName, options);
    db.collections.set(collName, collection);
    if (this.recorder !== undefined) {
      collection.observer = this.recorder;
      this.recorder.created(collection);
    }
    return collection;
  }

  /** Drops a collection; returns it, or undefined when it did not exist. */
  dropCollection(dbName: string, collName: string): CollectionStore | undefined {
    const collection = this.detach(dbName, collName);
    if (collection !== undefined) this.recorder?.dropped(collection);
    return collection;
  }

  /** Removes a collection from its database without recording a drop (rename moves it). */
  private detach(dbName: string, collName: string): CollectionStore | undefined {
    const db = this.databases.get(dbName);
    const collection = db?.collections.get(collName);
    if (!db || !collection) return undefined;
    db.collections.delete(collName);
    collection.observer = undefined;
    return collection;
  }

  dropDatabase(dbName: string): boolean {
    const db = this.databases.get(dbName);
    if (db !== undefined && db.collections.size > 0) {
      for (const collection of db.collections.values()) collection.observer = undefined;
      this.recorder?.databaseDropped(dbName, db.collections.values());
    }
    return this.databases.delete(dbName);
  }

  /** Moves a collection to a new namespace (NamespaceNotFound / NamespaceExists as mongod). */
  renameCollection(from: { db: string; coll: string }, to: { db: string; coll: string }, dropTarget: boolean): void {
    const source = this.collection(from.db, from.coll);
    if (!source) throw new CommandError(ErrorCodes.NamespaceNotFound, 'Source collection does not exist');
    if (from.db === to.db && from.coll === to.coll) {
      throw new CommandError(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
    }
    validateNames(to.db, to.coll);
    let droppedTarget: CollectionStore | undefined;
    if (this.collection(to.db, to.coll)) {
      if (!dropTarget) throw new CommandError(ErrorCodes.NamespaceExists, 'target namespace exists');
      droppedTarget = this.detach(to.db, to.coll);
    }
    this.detach(from.db, from.coll);
    let db = this.databases.get(to.db);
    if (!db) {
      db = new DatabaseStore(to.db);
      this.databases.set(to.db, db);
    }
    source.dbName = to.db;
    source.name = to.coll;
    db.collections.set(to.coll, source);
    if (this.recorder !== undefined) {
      source.observer = this.recorder;
      this.recorder.renamed(from, source, droppedTarget);
    }
  }

  /** Every database's summary, for listDatabases. */
  summaries(): Document[] {
    return this.databaseNames().map((name) => {
      const size = this.databases.get(name)?.sizeOnDisk ?? 0;
      return { name, sizeOnDisk: size, empty: size === 0 };
    });
  }
}
