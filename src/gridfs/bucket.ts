// GridFSBucket: a files collection and a chunks collection under one prefix, and the
// gridfs spec's basic and advanced API over them.
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectId, type Document } from '../bson.js';
import type { Collection } from '../crud/collection.js';
import type { FindCursor } from '../crud/cursors/find-cursor.js';
import type { Db } from '../crud/db.js';
import { MongoGridFSFileNotFoundError, MongoInvalidArgumentError } from '../errors.js';
import type { TimeoutContext } from '../connection/timeout-context.js';
import { contextFor } from '../crud/csot.js';
import { GridFSBucketReadStream, type FileLookup } from './download.js';
import { ensureGridFSIndexes } from './indexes.js';
import { GridFSBucketWriteStream, describeId, validateChunkSize, type UploadTarget } from './upload.js';
import {
  DEFAULT_CHUNK_SIZE_BYTES,
  type GridFSBucketOptions,
  type GridFSDownloadByNameOptions,
  type GridFSDownloadOptions,
  type GridFSFile,
  type GridFSFileId,
  type GridFSFindOptions,
  type GridFSSessionOption,
  type GridFSUploadOptions,
} from './types.js';

/** What an upload can read from: a Node stream or any async iterable of bytes. */
export type GridFSUploadSource = Readable | AsyncIterable<Uint8Array | string>;

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new MongoInvalidArgumentError(`${what} must be a string, got ${typeof value}`);
  return value;
}

export class GridFSBucket implements UploadTarget {
  readonly bucketName: string;
  readonly chunkSizeBytes: number;
  readonly files: Collection;
  readonly chunks: Collection;
  private indexesChecked: Promise<void> | undefined;

  constructor(db: Db, options: GridFSBucketOptions = {}) {
    const bucketName = options.bucketName ?? 'fs';
    if (typeof bucketName !== 'string' || bucketName.length === 0) throw new MongoInvalidArgumentError('GridFS bucketName must be a non-empty string');
    this.bucketName = bucketName;
    this.chunkSizeBytes = validateChunkSize(options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE_BYTES, 'GridFS bucket chunkSizeBytes');
    const concerns = { readPreference: options.readPreference, readConcern: options.readConcern, writeConcern: options.writeConcern, timeoutMS: options.timeoutMS };
    this.files = db.collection(`${bucketName}.files`, concerns);
    this.chunks = db.collection(`${bucketName}.chunks`, concerns);
  }

  /**
   * CSOT: one deadline for everything one bucket operation sends (the operation's timeoutMS,
   * else the bucket's), as options for the collection calls; empty without timeoutMS.
   */
  deadline(options: GridFSSessionOption): { timeoutContext?: TimeoutContext } {
    if (options.timeoutContext !== undefined) return { timeoutContext: options.timeoutContext };
    const timeoutMS = options.timeoutMS ?? this.files.level.timeoutMS;
    return timeoutMS === undefined ? {} : { timeoutContext: contextFor(timeoutMS) };
  }

  /** Checks (once per bucket, before its first write) that the GridFS indexes exist. */
  ensureIndexes(deadline: { timeoutContext?: TimeoutContext } = {}): Promise<void> {
    this.indexesChecked ??= ensureGridFSIndexes(this.files, this.chunks, deadline).catch((error: unknown) => {
      this.indexesChecked = undefined;
      throw error;
    });
    return this.indexesChecked;
  }

  // ---- upload --------------------------------------------------------------------

  /** A stream to write a new file to; its id is a new ObjectId (`stream.id`). */
  openUploadStream(filename: string, options: GridFSUploadOptions = {}): GridFSBucketWriteStream {
    return new GridFSBucketWriteStream(this, new ObjectId(), requireString(filename, 'GridFS filename'), this.chunkSizeBytes, { ...options, ...this.deadline(options) });
  }

  openUploadStreamWithId(id: GridFSFileId, filename: string, options: GridFSUploadOptions = {}): GridFSBucketWriteStream {
    return new GridFSBucketWriteStream(this, id, requireString(filename, 'GridFS filename'), this.chunkSizeBytes, { ...options, ...this.deadline(options) });
  }

  /** Reads `source` to its end into a new file; returns the file's id. */
  async uploadFromStream(filename: string, source: GridFSUploadSource, options: GridFSUploadOptions = {}): Promise<ObjectId> {
    const stream = this.openUploadStream(filename, options);
    await upload(stream, source);
    return stream.id as ObjectId;
  }

  async uploadFromStreamWithId(id: GridFSFileId, filename: string, source: GridFSUploadSource, options: GridFSUploadOptions = {}): Promise<void> {
    await upload(this.openUploadStreamWithId(id, filename, options), source);
  }

  // ---- download ------------------------------------------------------------------

  openDownloadStream(id: GridFSFileId, options: GridFSDownloadOptions = {}): GridFSBucketReadStream {
    const lookup: FileLookup = {
      filter: { _id: id },
      notFound: () => Promise.resolve(new MongoGridFSFileNotFoundError(`no file with id ${describeId(id)} in GridFS bucket '${this.bucketName}'`)),
    };
    return new GridFSBucketReadStream(this.files, this.chunks, lookup, { ...options, ...this.deadline(options) });
  }

  /** A stream over one revision of the files named `filename` (default: the newest, -1). */
  openDownloadStreamByName(filename: string, options: GridFSDownloadByNameOptions = {}): GridFSBucketReadStream {
    requireString(filename, 'GridFS filename');
    const revision = options.revision ?? -1;
    if (!Number.isInteger(revision)) throw new MongoInvalidArgumentError(`GridFS revision must be an integer, got ${String(revision)}`);
    const lookup: FileLookup = {
      filter: { filename },
      sort: { uploadDate: revision >= 0 ? 1 : -1 },
      skip: revision >= 0 ? revision : -revision - 1,
      notFound: async () => {
        const exists = revision === -1 || revision === 0 ? null : await this.files.findOne({ filename }, { projection: { _id: 1 }, session: options.session });
        return new MongoGridFSFileNotFoundError(
          exists === null
            ? `no file named '${filename}' in GridFS bucket '${this.bucketName}'`
            : `file '${filename}' has no revision ${revision} in GridFS bucket '${this.bucketName}'`,
        );
      },
    };
    return new GridFSBucketReadStream(this.files, this.chunks, lookup, { start: options.start, end: options.end, session: options.session, ...this.deadline(options) });
  }

  /** Writes the file's bytes to `destination`, which is left open. */
  async downloadToStream(id: GridFSFileId, destination: Writable, options: GridFSDownloadOptions = {}): Promise<void> {
    await pipeline(this.openDownloadStream(id, options), destination, { end: false });
  }

  async downloadToStreamByName(filename: string, destination: Writable, options: GridFSDownloadByNameOptions = {}): Promise<void> {
    await pipeline(this.openDownloadStreamByName(filename, options), destination, { end: false });
  }

  // ---- files collection operations -------------------------------------------------

  /**
   * Deletes the files document, then the chunks (so a concurrent reader sees no file
   * rather than a file without chunks). Orphaned chunks of a missing file are still
   * deleted before the "file not found" error is raised.
   */
  async delete(id: GridFSFileId, options: GridFSSessionOption = {}): Promise<void> {
    const { session } = options;
    const deadline = this.deadline(options);
    const { deletedCount } = await this.files.deleteOne({ _id: id }, { session, ...deadline });
    await this.chunks.deleteMany({ files_id: id }, { session, ...deadline });
    if (deletedCount === 0) throw new MongoGridFSFileNotFoundError(`no file with id ${describeId(id)} to delete in GridFS bucket '${this.bucketName}'`);
  }

  /** Deletes every revision of the files named `filename`. */
  async deleteByName(filename: string, options: GridFSSessionOption = {}): Promise<void> {
    requireString(filename, 'GridFS filename');
    const { session } = options;
    const deadline = this.deadline(options);
    const found = await this.files.find({ filename }, { projection: { _id: 1 }, session, ...deadline }).toArray();
    if (found.length === 0) throw new MongoGridFSFileNotFoundError(`no file named '${filename}' to delete in GridFS bucket '${this.bucketName}'`);
    const ids = found.map((file) => file._id);
    await this.files.deleteMany({ _id: { $in: ids } }, { session, ...deadline });
    await this.chunks.deleteMany({ files_id: { $in: ids } }, { session, ...deadline });
  }

  /** Files documents matching `filter`, e.g. `{ 'metadata.owner': 'ann' }`. */
  find(filter: Document = {}, options: GridFSFindOptions = {}): FindCursor<GridFSFile> {
    return this.files.find(filter, options) as unknown as FindCursor<GridFSFile>;
  }

  async rename(id: GridFSFileId, newFilename: string, options: GridFSSessionOption = {}): Promise<void> {
    requireString(newFilename, 'GridFS new filename');
    const { matchedCount } = await this.files.updateOne({ _id: id }, { $set: { filename: newFilename } }, { session: options.session, ...this.deadline(options) });
    if (matchedCount === 0) throw new MongoGridFSFileNotFoundError(`no file with id ${describeId(id)} to rename in GridFS bucket '${this.bucketName}'`);
  }

  /** Renames every revision of the files named `filename`. */
  async renameByName(filename: string, newFilename: string, options: GridFSSessionOption = {}): Promise<void> {
    requireString(filename, 'GridFS filename');
    requireString(newFilename, 'GridFS new filename');
    const { matchedCount } = await this.files.updateMany({ filename }, { $set: { filename: newFilename } }, { session: options.session, ...this.deadline(options) });
    if (matchedCount === 0) throw new MongoGridFSFileNotFoundError(`no file named '${filename}' to rename in GridFS bucket '${this.bucketName}'`);
  }

  /** Drops the files collection, then the chunks collection. The next write checks the indexes again. */
  async drop(options: GridFSSessionOption = {}): Promise<void> {
    const deadline = this.deadline(options);
    await this.files.drop({ session: options.session, ...deadline });
    await this.chunks.drop({ session: options.session, ...deadline });
    this.indexesChecked = undefined;
  }
}

/**
 * Copies `source` into `stream`. A failing source aborts the upload (its chunks are
 * deleted) and its error is the one raised; a failing insert is raised as is, leaving
 * orphaned chunks as the spec requires.
 */
async function upload(stream: GridFSBucketWriteStream, source: GridFSUploadSource): Promise<void> {
  let streamError: Error | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    stream.once('error', (error: Error) => {
      streamError = error;
      reject(error);
    });
  });
  failed.catch(() => undefined);
  try {
    for await (const piece of source as AsyncIterable<unknown>) {
      if (streamError !== undefined) throw streamError;
      if (!stream.write(piece)) await Promise.race([new Promise<void>((resolve) => stream.once('drain', () => resolve())), failed]);
    }
  } catch (error) {
    if (streamError === undefined) await stream.abort().catch(() => undefined);
    throw error;
  }
  await Promise.race([new Promise<void>((resolve) => stream.end(() => resolve())), failed]);
}
