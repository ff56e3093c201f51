// GridFS data model and option shapes (gridfs spec "Files collection document", options classes).
import type { TimeoutContext } from '../connection/timeout-context.js';
import type { Document, Long, ObjectId } from '../bson.js';
import type { ReadConcernLike, ReadPreferenceLike, WriteConcernLike } from '../crud/concerns.js';
import type { FindOptions } from '../crud/operations/find.js';

/** A file's id: an ObjectId unless the application chose another value. */
export type GridFSFileId = unknown;

/** A files collection document. Old files may carry other numeric types and extra root fields. */
export interface GridFSFile extends Document {
  _id: GridFSFileId;
  length: number | Long;
  chunkSize: number;
  uploadDate: Date;
  filename?: string;
  contentType?: string;
  aliases?: string[];
  metadata?: Document;
}

/** A chunks collection document. */
export interface GridFSChunk extends Document {
  _id: ObjectId;
  files_id: GridFSFileId;
  n: number;
  data: unknown;
}

export interface GridFSBucketOptions {
  /** Prefix of the files and chunks collections. Default 'fs'. */
  bucketName?: string;
  /** Chunk size for new files. Default 255 KiB. */
  chunkSizeBytes?: number;
  writeConcern?: WriteConcernLike;
  readConcern?: ReadConcernLike;
  readPreference?: ReadPreferenceLike | string;
  /** Transitional spec option: mongrove never computes MD5, so this is accepted and ignored. */
  disableMD5?: boolean;
  /** CSOT: the default timeoutMS of the bucket's operations (default: the database's). */
  timeoutMS?: number;
}

/** The explicit session (and so the transaction) a GridFS operation's commands run in. */
export interface GridFSSessionOption {
  session?: unknown;
  /** CSOT: this operation's timeout (default: the bucket's); for streams it caps the stream's whole life. */
  timeoutMS?: number;
  /** @internal The deadline the bucket started for this operation. */
  timeoutContext?: TimeoutContext;
}

export interface GridFSUploadOptions extends GridFSSessionOption {
  /** Chunk size for this file; defaults to the bucket's. */
  chunkSizeBytes?: number;
  /** Stored as the files document's `metadata`; omitted when not given. */
  metadata?: Document;
  /** Deprecated by the spec; stored only when given. */
  contentType?: string;
  /** Deprecated by the spec; stored only when given. */
  aliases?: string[];
}

export interface GridFSDownloadOptions extends GridFSSessionOption {
  /** First byte to return (inclusive). */
  start?: number;
  /** Byte to stop before (exclusive). */
  end?: number;
}

export interface GridFSDownloadByNameOptions extends GridFSDownloadOptions {
  /** 0 = original, 1 = first revision, …; -1 = most recent (default), -2 = the one before, … */
  revision?: number;
}

export type GridFSFindOptions = Pick<
  FindOptions,
  'allowDiskUse' | 'batchSize' | 'limit' | 'maxTimeMS' | 'noCursorTimeout' | 'skip' | 'sort' | 'projection' | 'comment' | 'session'
>;

/** 255 KiB: a chunk document then fits a 256 KiB allocation (gridfs spec design rationale). */
export const DEFAULT_CHUNK_SIZE_BYTES = 255 * 1024;
