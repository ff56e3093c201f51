// Views (create { viewOn, pipeline }): reading one runs its pipeline over the
// source namespace (itself possibly a view) first.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { bsonTypeOf } from './bson-types.js';
import { ErrorCodes } from '../error-codes.js';
import { CollectionStore, type Storage } from '../storage/storage.js';
import { runPipeline } from './aggregate.js';

/** mongod's limit on views defined over views. */
const MAX_VIEW_DEPTH = 20;
/** mongod's ViewDepthLimitExceeded. */
const VIEW_DEPTH_LIMIT_EXCEEDED = 165;

export function isView(collection: CollectionStore | undefined): boolean {
  return typeof collection?.options.viewOn === 'string' && collection.options.viewOn !== '';
}

/**
 * Writes to a view fail as mongod's collection acquisition fails them: CommandNotSupportedOnView,
 * "Namespace <db>.<coll> is a view, not a collection" (mongodb/mongo
 * src/mongo/db/catalog_raii.cpp, AutoGetCollection's view check). Write commands report it
 * per statement as a write error; findAndModify as the command's error.
 */
export function viewWriteError(storage: Storage, dbName: string, name: string): CommandError | undefined {
  if (!isView(storage.collection(dbName, name))) return undefined;
  return new CommandError(ErrorCodes.CommandNotSupportedOnView, `Namespace ${dbName}.${name} is a view, not a collection`);
}

export function checkNotView(storage: Storage, dbName: string, name: string): void {
  const error = viewWriteError(storage, dbName, name);
  if (error !== undefined) throw error;
}

/**
 * The collection a read targets: the stored collection, or for a view a
 * read-only snapshot of the view's documents. Undefined when nothing exists.
 */
export function readableCollection(storage: Storage, dbName: string, name: string, depth = 0): CollectionStore | undefined {
  const collection = storage.collection(dbName, name);
  if (!collection || !isView(collection)) return collection;
  if (depth >= MAX_VIEW_DEPTH) throw new CommandError(VIEW_DEPTH_LIMIT_EXCEEDED, `View depth too deep or view cycle detected; maximum depth is ${MAX_VIEW_DEPTH}`);
  const source = readableCollection(storage, dbName, String(collection.options.viewOn), depth + 1);
  const pipeline = Array.isArray(collection.options.pipeline) ? (collection.options.pipeline as Document[]) : [];
  const documents = runPipeline(source?.documents() ?? [], pipeline, { storage, dbName, collation: collection.options.collation });
  return CollectionStore.snapshot(dbName, name, documents);
}

/** Generic command arguments collMod ignores (not options of the view). */
const GENERIC_ARGUMENTS = new Set(['lsid', 'txnNumber', 'autocommit', 'startTransaction', 'writeConcern', 'readConcern', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

/**
 * collMod on a view may change only viewOn and pipeline; any other option is InvalidOptions
 * "option not supported on a view: <name>" (mongodb/mongo src/mongo/db/catalog/coll_mod.cpp,
 * parseCollModRequest). The type checks follow the IDL wording of 8.0's collMod parser.
 * Returns what changed, for the change log.
 */
export function modifyView(view: CollectionStore, command: Document): Document {
  const changes: Document = {};
  for (const [key, value] of Object.entries(command)) {
    if (key === 'collMod' || key.startsWith('$') || GENERIC_ARGUMENTS.has(key)) continue;
    if (key === 'viewOn') {
      if (typeof value !== 'string') throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'collMod.viewOn' is the wrong type '${bsonTypeOf(value)}', expected type 'string'`);
      if (value === '') throw new CommandError(ErrorCodes.BadValue, "'viewOn' must be a non-empty string");
      changes.viewOn = value;
    } else if (key === 'pipeline') {
      if (!Array.isArray(value)) throw new CommandError(ErrorCodes.TypeMismatch, `BSON field 'collMod.pipeline' is the wrong type '${bsonTypeOf(value)}', expected type 'array'`);
      changes.pipeline = value;
    } else {
      throw new CommandError(ErrorCodes.InvalidOptions, `option not supported on a view: ${key}`);
    }
  }
  Object.assign(view.options, changes);
  return changes;
}

/** viewOn / pipeline on a collection: mongod's "'<option>' option only supported on a view". */
export function checkNoViewOptions(command: Document): void {
  for (const option of ['viewOn', 'pipeline']) {
    if (command[option] !== undefined) throw new CommandError(ErrorCodes.InvalidOptions, `'${option}' option only supported on a view`);
  }
}
