// Views (create { viewOn, pipeline }): reading one runs its pipeline over the
// source namespace (itself possibly a view) first.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
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
