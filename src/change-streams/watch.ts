// watch() on Client, Db and Collection. The change-streams layer sits above crud, so crud
// cannot name ChangeStream: the methods are declared here by declaration merging and
// installed on the prototypes when this module loads (src/index.ts always loads it).
import type { Document } from '../bson.js';
import { Client } from '../crud/client.js';
import { Collection } from '../crud/collection.js';
import { Db } from '../crud/db.js';
import type { Executor } from '../crud/executor.js';
import type { Resolved } from '../crud/inheritance.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { ChangeStream, type WatchScope } from './change-stream.js';
import type { ChangeStreamDocument, ChangeStreamOptions } from './types.js';

declare module '../crud/client.js' {
  interface Client {
    /**
     * Changes to every collection of every database (but admin, config and local), from
     * `aggregate: 1` with `allChangesForCluster` on admin. Prefer this to a raw `$changeStream`
     * aggregate: only a ChangeStream resumes after transient errors. Change streams need a
     * replica set or sharded cluster and accept only 'majority' (or no) read concern.
     */
    watch<TSchema extends Document = Document, TChange = ChangeStreamDocument<TSchema>>(pipeline?: Document[], options?: ChangeStreamOptions): ChangeStream<TSchema, TChange>;
  }
}

declare module '../crud/db.js' {
  interface Db {
    /** Changes to every (non-system) collection of this database; see Client.watch. */
    watch<TSchema extends Document = Document, TChange = ChangeStreamDocument<TSchema>>(pipeline?: Document[], options?: ChangeStreamOptions): ChangeStream<TSchema, TChange>;
  }
}

declare module '../crud/collection.js' {
  interface Collection<TSchema extends Document = Document> {
    /** Changes to this collection; see Client.watch. */
    watch<TLocal extends Document = TSchema, TChange = ChangeStreamDocument<TLocal>>(pipeline?: Document[], options?: ChangeStreamOptions): ChangeStream<TLocal, TChange>;
  }
}

function createChangeStream<TSchema extends Document, TChange>(
  executor: Executor,
  scope: WatchScope,
  level: Resolved,
  pipeline: unknown,
  options: unknown,
): ChangeStream<TSchema, TChange> {
  const stages = pipeline ?? [];
  if (!Array.isArray(stages)) throw new MongoInvalidArgumentError('watch() pipeline must be an array of stages');
  for (const [i, stage] of stages.entries()) {
    if (typeof stage !== 'object' || stage === null || Array.isArray(stage)) throw new MongoInvalidArgumentError(`watch() pipeline stage ${i} must be a document`);
  }
  const opts = options ?? {};
  if (typeof opts !== 'object' || Array.isArray(opts)) throw new MongoInvalidArgumentError('watch() options must be an object');
  return new ChangeStream<TSchema, TChange>(executor, scope, level, stages as Document[], opts as ChangeStreamOptions);
}

Client.prototype.watch = function watch<TSchema extends Document, TChange>(this: Client, pipeline?: Document[], options?: ChangeStreamOptions) {
  return createChangeStream<TSchema, TChange>(this.executor, { kind: 'cluster' }, this.level, pipeline, options);
};

Db.prototype.watch = function watch<TSchema extends Document, TChange>(this: Db, pipeline?: Document[], options?: ChangeStreamOptions) {
  return createChangeStream<TSchema, TChange>(this.executor, { kind: 'database', db: this.databaseName }, this.level, pipeline, options);
};

Collection.prototype.watch = function watch<TLocal extends Document, TChange>(this: Collection, pipeline?: Document[], options?: ChangeStreamOptions) {
  return createChangeStream<TLocal, TChange>(this.executor, { kind: 'collection', db: this.dbName, collection: this.collectionName }, this.level, pipeline, options);
};
