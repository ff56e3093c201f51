// The CRUD layer's public surface (re-exported by src/index.ts).
export { Client, defaultTargetFactory, type ClientOptions, type TargetFactory } from './client.js';
export { TypedEventEmitter, type ClientEventMap } from './client-events.js';
export { Db, type DbOptions, type RunCommandOptions, type RunCursorCommandOptions } from './db.js';
export { Collection, type CollectionOptions, type CountDocumentsOptions } from './collection.js';
export { AbstractCursor, type CursorOptions } from './cursors/abstract-cursor.js';
export { FindCursor, type ExplainVerbosity } from './cursors/find-cursor.js';
export { AggregationCursor, CommandCursor, ListCollectionsCursor, ListIndexesCursor } from './cursors/command-cursor.js';
export type { AnyBulkWriteOperation } from './bulk/models.js';
export type { BulkWriteOptions } from './bulk/bulk-writer.js';
export type { BulkWriteResult, InsertManyResult } from './bulk/result.js';
export type { ClientBulkWriteModel, ClientUpdateModel, ClientReplaceOneModel } from './bulk/client-bulk-models.js';
export type { ClientBulkWriteOptions } from './bulk/client-bulk-writer.js';
export type { ClientBulkWriteResult, ClientInsertOneResult, ClientUpdateResult, ClientDeleteResult } from './bulk/client-bulk-result.js';
export type { InsertOneResult, UpdateResult, DeleteResult } from './operations/write.js';
export type { FindOptions, FindOneOptions, CursorType } from './operations/find.js';
export type { AggregateOptions } from './operations/aggregate.js';
export type { FindOneAndModifyOptions } from './operations/find-and-modify.js';
export type { IndexDescription, ListDatabasesResult } from './operations/commands.js';
export type { SearchIndexModel } from './operations/search-indexes.js';
export type { SessionHooks } from './executor.js';
export type { RetryState } from './retry-policy.js';
export type { OperationTarget, ServerHandle, ConnectionHandle, SelectionCriteria } from './target.js';
export type { CommandStartedEvent, CommandSucceededEvent, CommandFailedEvent } from '../monitoring/command-events.js';
export {
  ClientSession,
  type SessionOptions,
  type EndSessionOptions,
  type ClusterTime,
  type TransactionOptions,
  type TransactionState,
  type WithTransactionCallback,
} from '../sessions/index.js';
