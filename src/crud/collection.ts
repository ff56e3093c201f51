// Collection<T>: the CRUD spec's collection API. Each method validates its input,
// builds one operation object and hands it to the executor.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError, MongoServerError } from '../errors.js';
import { runBulkWrite, type BulkWriteOptions } from './bulk/bulk-writer.js';
import { ensureId, type AnyBulkWriteOperation } from './bulk/models.js';
import type { BulkWriteResult, InsertManyResult } from './bulk/result.js';
import { AggregationCursor, ListIndexesCursor } from './cursors/command-cursor.js';
import { FindCursor } from './cursors/find-cursor.js';
import type { Executor } from './executor.js';
import type { TimeoutMode } from './csot.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { forCursor, forOperation, resolveLevel, type ConcernOptions, type Resolved } from './inheritance.js';
import { AggregateOperation, type AggregateOptions } from './operations/aggregate.js';
import * as commands from './operations/commands.js';
import * as searchIndexes from './operations/search-indexes.js';
import type { SearchIndexModel } from './operations/search-indexes.js';
import { FindAndModifyOperation, type FindOneAndModifyOptions } from './operations/find-and-modify.js';
import { FindOneOperation, type FindOneOptions, type FindOptions } from './operations/find.js';
import {
  DeleteOperation,
  InsertOneOperation,
  UpdateOperation,
  deleteStatement,
  updateStatement,
  validateUpdate,
  type DeleteResult,
  type DeleteStatementOptions,
  type InsertOneResult,
  type UpdateResult,
  type UpdateStatementOptions,
  type WriteCommandOptions,
} from './operations/write.js';

export type CollectionOptions = ConcernOptions;
type WithConcerns<O> = O & ConcernOptions;

export interface CountDocumentsOptions extends AggregateOptions {
  skip?: number;
  limit?: number;
}

function requireDocument(value: unknown, what: string): Document {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MongoInvalidArgumentError(`${what} must be a document`);
  return value as Document;
}

export class Collection<TSchema extends Document = Document> {
  /** @internal */
  readonly level: Resolved;

  constructor(
    /** @internal */
    readonly executor: Executor,
    readonly dbName: string,
    readonly collectionName: string,
    parent: Resolved,
    options?: CollectionOptions,
  ) {
    this.level = resolveLevel(parent, options);
  }

  get namespace(): string {
    return `${this.dbName}.${this.collectionName}`;
  }

  get readPreference(): Resolved['readPreference'] {
    return this.level.readPreference;
  }

  // ---- writes --------------------------------------------------------------------

  async insertOne(document: TSchema, options?: WithConcerns<WriteCommandOptions>): Promise<InsertOneResult> {
    const doc = requireDocument(document, 'insertOne document');
    ensureId(doc);
    return this.executor.execute(new InsertOneOperation(this.dbName, this.collectionName, doc, options, forOperation(this.level, options)));
  }

  async insertMany(documents: readonly TSchema[], options?: WithConcerns<BulkWriteOptions>): Promise<InsertManyResult> {
    if (!Array.isArray(documents)) throw new MongoInvalidArgumentError('insertMany needs an array of documents');
    const models = documents.map((document, i) => ({ insertOne: { document: requireDocument(document, `insertMany document ${i}`) } }));
    const result = await this.bulkWrite(models, options);
    return { acknowledged: result.acknowledged, insertedCount: result.insertedCount, insertedIds: result.insertedIds };
  }

  async bulkWrite(operations: readonly AnyBulkWriteOperation[], options?: WithConcerns<BulkWriteOptions>): Promise<BulkWriteResult> {
    const inherited = forOperation(this.level, options);
    return runBulkWrite(this.executor.withTimeout(inherited.timeoutContext), this.dbName, this.collectionName, operations, options, inherited);
  }

  async updateOne(filter: Document, update: Document | Document[], options?: WithConcerns<UpdateStatementOptions>): Promise<UpdateResult> {
    validateUpdate(update, 'update');
    return this.update(filter, update, false, options);
  }

  async updateMany(filter: Document, update: Document | Document[], options?: WithConcerns<UpdateStatementOptions>): Promise<UpdateResult> {
    validateUpdate(update, 'update');
    return this.update(filter, update, true, options);
  }

  async replaceOne(filter: Document, replacement: TSchema, options?: WithConcerns<Omit<UpdateStatementOptions, 'arrayFilters'>>): Promise<UpdateResult> {
    validateUpdate(replacement, 'replacement');
    return this.update(filter, replacement, false, options);
  }

  async deleteOne(filter: Document = {}, options?: WithConcerns<DeleteStatementOptions>): Promise<DeleteResult> {
    return this.delete(filter, false, options);
  }

  async deleteMany(filter: Document = {}, options?: WithConcerns<DeleteStatementOptions>): Promise<DeleteResult> {
    return this.delete(filter, true, options);
  }

  private update(filter: Document, update: Document | Document[], multi: boolean, options: WithConcerns<UpdateStatementOptions> | undefined): Promise<UpdateResult> {
    const statement = updateStatement(requireDocument(filter, 'update filter'), update as Document, multi, options);
    return this.executor.execute(new UpdateOperation(this.dbName, this.collectionName, statement, options, forOperation(this.level, options)));
  }

  private delete(filter: Document, many: boolean, options: WithConcerns<DeleteStatementOptions> | undefined): Promise<DeleteResult> {
    const statement = deleteStatement(requireDocument(filter, 'delete filter'), many, options);
    return this.executor.execute(new DeleteOperation(this.dbName, this.collectionName, statement, options, forOperation(this.level, options)));
  }

  // ---- reads ---------------------------------------------------------------------

  find(filter: Document = {}, options?: WithConcerns<FindOptions>): FindCursor<TSchema> {
    const opts: FindOptions = options === undefined ? {} : { ...options };
    return new FindCursor<TSchema>(this.executor, this.dbName, this.collectionName, requireDocument(filter, 'find filter'), opts, forCursor(this.level, options));
  }

  async findOne(filter: Document = {}, options?: WithConcerns<FindOneOptions>): Promise<TSchema | null> {
    const op = new FindOneOperation(this.dbName, this.collectionName, requireDocument(filter, 'findOne filter'), options, forOperation(this.level, options));
    return (await this.executor.execute(op)) as TSchema | null;
  }

  aggregate<T extends Document = Document>(pipeline: Document[] = [], options?: WithConcerns<AggregateOptions>): AggregationCursor<T> {
    const opts = options ?? {};
    const inherited = forCursor(this.level, options);
    return new AggregationCursor<T>(
      this.executor,
      (cursorOptions) => new AggregateOperation(this.dbName, this.collectionName, pipeline, { ...opts, batchSize: cursorOptions.batchSize }, inherited),
      { batchSize: opts.batchSize, maxAwaitTimeMS: opts.maxAwaitTimeMS, comment: opts.comment, session: opts.session, timeoutMode: opts.timeoutMode },
    );
  }

  /** Exact count via aggregate: $match, $skip, $limit, $group (CRUD spec). */
  async countDocuments(filter: Document = {}, options?: WithConcerns<CountDocumentsOptions>): Promise<number> {
    const pipeline: Document[] = [{ $match: requireDocument(filter, 'countDocuments filter') }];
    if (options?.skip !== undefined && options.skip > 0) pipeline.push({ $skip: options.skip });
    if (options?.limit !== undefined && options.limit > 0) pipeline.push({ $limit: options.limit });
    pipeline.push({ $group: { _id: 1, n: { $sum: 1 } } });
    const { skip: _skip, limit: _limit, ...aggregateOptions } = options ?? {};
    const response = await this.executor.execute(new AggregateOperation(this.dbName, this.collectionName, pipeline, aggregateOptions, forOperation(this.level, options)));
    const n = response.batch[0]?.n;
    return typeof n === 'number' ? n : 0;
  }

  async estimatedDocumentCount(options?: WithConcerns<commands.CountOptions>): Promise<number> {
    return this.executor.execute(commands.estimatedCount(this.dbName, this.collectionName, options, forOperation(this.level, options)));
  }

  async distinct(key: string, filter: Document = {}, options?: WithConcerns<commands.DistinctOptions>): Promise<unknown[]> {
    return this.executor.execute(commands.distinct(this.dbName, this.collectionName, key, requireDocument(filter, 'distinct filter'), options, forOperation(this.level, options)));
  }

  // ---- find and modify -----------------------------------------------------------

  async findOneAndUpdate(filter: Document, update: Document | Document[], options: WithConcerns<FindOneAndModifyOptions> = {}): Promise<TSchema | Document | null> {
    validateUpdate(update, 'update');
    return this.findAndModify(filter, 'update', update, options);
  }

  async findOneAndReplace(filter: Document, replacement: TSchema, options: WithConcerns<FindOneAndModifyOptions> = {}): Promise<TSchema | Document | null> {
    validateUpdate(replacement, 'replacement');
    return this.findAndModify(filter, 'replace', replacement, options);
  }

  async findOneAndDelete(filter: Document, options: WithConcerns<FindOneAndModifyOptions> = {}): Promise<TSchema | Document | null> {
    return this.findAndModify(filter, 'delete', undefined, options);
  }

  private findAndModify(filter: Document, kind: 'update' | 'replace' | 'delete', update: Document | Document[] | undefined, options: WithConcerns<FindOneAndModifyOptions>): Promise<TSchema | Document | null> {
    const op = new FindAndModifyOperation(this.dbName, this.collectionName, requireDocument(filter, 'filter'), kind, update, options, forOperation(this.level, options));
    return this.executor.execute(op) as Promise<TSchema | Document | null>;
  }

  // ---- indexes -------------------------------------------------------------------

  async createIndex(key: Document, options: Document & commands.CreateIndexesOptions = {}): Promise<string> {
    // rawData is an operation option (index-management spec), never part of the index; mongrove does not send it (8.2+ only, internal use).
    const { commitQuorum, comment, maxTimeMS, session, timeoutMS, timeoutContext, rawData: _rawData, ...indexOptions } = options;
    const [name] = await this.createIndexes([{ ...indexOptions, key: requireDocument(key, 'index key') }], {
      commitQuorum,
      comment,
      maxTimeMS,
      session,
      timeoutMS: timeoutMS as number | undefined,
      timeoutContext: timeoutContext as TimeoutContext | undefined,
    });
    return name;
  }

  async createIndexes(indexes: commands.IndexDescription[], options?: WithConcerns<commands.CreateIndexesOptions>): Promise<string[]> {
    return this.executor.execute(commands.createIndexes(this.dbName, this.collectionName, indexes, options, forOperation(this.level, options)));
  }

  listIndexes(options?: { batchSize?: number; comment?: unknown; session?: unknown; timeoutMS?: number; timeoutMode?: TimeoutMode; timeoutContext?: TimeoutContext }): ListIndexesCursor {
    const inherited = forCursor(this.level, options);
    return new ListIndexesCursor(
      this.executor,
      (cursorOptions) => commands.listIndexes(this.dbName, this.collectionName, { batchSize: cursorOptions.batchSize, comment: options?.comment }, inherited),
      { batchSize: options?.batchSize, session: options?.session, timeoutMode: options?.timeoutMode },
    );
  }

  async dropIndex(name: string, options?: WithConcerns<{ comment?: unknown; maxTimeMS?: number; session?: unknown }>): Promise<Document> {
    if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError('dropIndex needs an index name');
    return this.executor.execute(commands.dropIndexes(this.dbName, this.collectionName, name, options, forOperation(this.level, options)));
  }

  async dropIndexes(options?: WithConcerns<{ comment?: unknown; maxTimeMS?: number; session?: unknown }>): Promise<boolean> {
    await this.executor.execute(commands.dropIndexes(this.dbName, this.collectionName, '*', options, forOperation(this.level, options)));
    return true;
  }

  // ---- Atlas Search indexes (no read or write concern is sent) -------------------

  /** Creates one search index; returns its name. */
  async createSearchIndex(model: SearchIndexModel, options?: { session?: unknown }): Promise<string> {
    const [name] = await this.createSearchIndexes([model], options);
    return name;
  }

  async createSearchIndexes(models: readonly SearchIndexModel[], options?: { session?: unknown }): Promise<string[]> {
    return this.executor.execute(searchIndexes.createSearchIndexes(this.dbName, this.collectionName, models, forOperation(this.level, options)));
  }

  async updateSearchIndex(name: string, definition: Document, options?: { session?: unknown }): Promise<void> {
    await this.executor.execute(searchIndexes.updateSearchIndex(this.dbName, this.collectionName, name, definition, forOperation(this.level, options)));
  }

  /** Drops a search index; dropping one from a collection that does not exist is not an error (the spec's idempotence). */
  async dropSearchIndex(name: string, options?: { session?: unknown }): Promise<void> {
    try {
      await this.executor.execute(searchIndexes.dropSearchIndex(this.dbName, this.collectionName, name, forOperation(this.level, options)));
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    }
  }

  /** The search indexes (all, or the one named), as an aggregation cursor over $listSearchIndexes. */
  listSearchIndexes(name?: string, options?: AggregateOptions): AggregationCursor<Document> {
    const opts = options ?? {};
    const inherited = searchIndexes.listSearchIndexesInheritance(forCursor(this.level, options));
    const pipeline: Document[] = [{ $listSearchIndexes: name === undefined ? {} : { name } }];
    return new AggregationCursor<Document>(
      this.executor,
      (cursorOptions) => new AggregateOperation(this.dbName, this.collectionName, pipeline, { ...opts, batchSize: cursorOptions.batchSize }, inherited),
      { batchSize: opts.batchSize, maxAwaitTimeMS: opts.maxAwaitTimeMS, comment: opts.comment, session: opts.session, timeoutMode: opts.timeoutMode },
    );
  }

  // ---- collection DDL ------------------------------------------------------------

  /** Renames this collection; returns the renamed collection. */
  async rename(newName: string, options?: WithConcerns<{ dropTarget?: boolean; comment?: unknown; session?: unknown }>): Promise<Collection<TSchema>> {
    if (typeof newName !== 'string' || newName.length === 0) throw new MongoInvalidArgumentError('rename needs a new collection name');
    await this.executor.execute(commands.renameCollection(this.namespace, `${this.dbName}.${newName}`, options, forOperation(this.level, options)));
    return new Collection<TSchema>(this.executor, this.dbName, newName, this.level);
  }

  /** Drops the collection; false when it did not exist. */
  async drop(options?: WithConcerns<{ comment?: unknown; session?: unknown }>): Promise<boolean> {
    return dropCollection(this.executor, this.dbName, this.collectionName, options, forOperation(this.level, options));
  }
}

const NAMESPACE_NOT_FOUND = 26;

/** drop ignores "ns not found" (enumerate-collections / CRUD): dropping nothing is not an error. */
export async function dropCollection(
  executor: Executor,
  dbName: string,
  name: string,
  options: { comment?: unknown } | undefined,
  inherited: Parameters<typeof commands.dropCollection>[3],
): Promise<boolean> {
  try {
    return await executor.execute(commands.dropCollection(dbName, name, options, inherited));
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === NAMESPACE_NOT_FOUND) return false;
    throw error;
  }
}
