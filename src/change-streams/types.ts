// The shapes of change events and of watch() options (change-streams spec, "Response Format"
// and "ChangeStreamOptions"). Events are left open: the server adds fields and operation
// types over time, and the spec forbids failing on them.
import type { Binary, Document, Timestamp } from '../bson.js';
import type { ReadConcernLike, ReadPreferenceLike } from '../crud/concerns.js';

/** The opaque `_id` of an event, or a postBatchResumeToken. */
export type ResumeToken = Document;

export type ChangeStreamOperationType =
  | 'insert'
  | 'update'
  | 'replace'
  | 'delete'
  | 'invalidate'
  | 'drop'
  | 'dropDatabase'
  | 'rename'
  | 'createIndexes'
  | 'dropIndexes'
  | 'modify'
  | 'create'
  | 'shardCollection'
  | 'refineCollectionShardKey'
  | 'reshardCollection';

export interface UpdateDescription {
  updatedFields?: Document;
  removedFields?: string[];
  truncatedArrays?: Array<{ field: string; newSize: number }>;
  disambiguatedPaths?: Document;
}

export interface ChangeStreamDocument<TSchema extends Document = Document> {
  _id: ResumeToken;
  /** Unknown (future) types arrive as their literal string. */
  operationType: ChangeStreamOperationType | (string & {});
  ns?: { db: string; coll?: string } & Document;
  nsType?: 'collection' | 'timeseries' | 'view';
  to?: { db: string; coll: string } & Document;
  operationDescription?: Document;
  documentKey?: Document;
  updateDescription?: UpdateDescription;
  fullDocument?: TSchema | null;
  fullDocumentBeforeChange?: TSchema | null;
  wallTime?: Date;
  collectionUUID?: Binary;
  clusterTime?: Timestamp;
  [field: string]: unknown;
}

/** fullDocument / fullDocumentBeforeChange; unknown values are passed on for the server to judge. */
export type FullDocumentOption = 'default' | 'updateLookup' | 'whenAvailable' | 'required' | 'off' | (string & {});

export interface ChangeStreamOptions {
  fullDocument?: FullDocumentOption;
  fullDocumentBeforeChange?: FullDocumentOption;
  resumeAfter?: ResumeToken;
  startAfter?: ResumeToken;
  startAtOperationTime?: Timestamp;
  /** The getMore's maxTimeMS: how long the server waits for new events before an empty batch. */
  maxAwaitTimeMS?: number;
  batchSize?: number;
  collation?: Document;
  comment?: unknown;
  showExpandedEvents?: boolean;
  /** Change streams accept only 'majority' or no read concern; the server judges. */
  readConcern?: ReadConcernLike;
  readPreference?: ReadPreferenceLike | string;
  session?: unknown;
  /**
   * CSOT: applies to the opening aggregate and afresh to each next()/tryNext() (must exceed
   * maxAwaitTimeMS). A next() that times out leaves the stream usable: the following call
   * resumes it. If it times out before any event arrived, close the stream and open a new
   * one with a higher timeoutMS: the server cannot catch up with the history in time.
   */
  timeoutMS?: number;
}
