// GridFSBucketWriteStream: cuts what is written into chunkSizeBytes pieces, inserts them
// in batches, and on end() writes the files document (gridfs spec "File Upload").
import type { TimeoutContext } from '../connection/timeout-context.js';
import { Writable } from 'node:stream';
import { Binary, EJSON, Long, ObjectId, type Document } from '../bson.js';
import type { Collection } from '../crud/collection.js';
import { MongoGridFSStreamError, MongoInvalidArgumentError } from '../errors.js';
import type { GridFSFile, GridFSFileId, GridFSUploadOptions } from './types.js';

/** What an upload needs from its bucket. */
export interface UploadTarget {
  readonly files: Collection;
  readonly chunks: Collection;
  /** Resolves once the indexes were checked (and created if needed) before this bucket's first write. */
  ensureIndexes(deadline?: { timeoutContext?: TimeoutContext }): Promise<void>;
}

/** Chunk documents are sent once this many data bytes are pending, so memory stays bounded. */
const BATCH_BYTES = 4 * 1024 * 1024;

export function validateChunkSize(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > 0x7fffffff) {
    throw new MongoInvalidArgumentError(`${what} must be a positive 32-bit integer, got ${String(value)}`);
  }
  return value;
}

export class GridFSBucketWriteStream extends Writable {
  /** The new file's id (the files document's _id). */
  readonly id: GridFSFileId;
  readonly filename: string;
  readonly chunkSizeBytes: number;
  /** The files document, once the upload finished. */
  gridFSFile: GridFSFile | null = null;

  private readonly options: GridFSUploadOptions;
  private pieces: Buffer[] = [];
  private pieceBytes = 0;
  private pendingChunks: Document[] = [];
  private pendingBytes = 0;
  private nextN = 0;
  private length = 0;
  private aborted = false;
  private finished = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: UploadTarget,
    id: GridFSFileId,
    filename: string,
    chunkSizeBytes: number,
    options: GridFSUploadOptions,
  ) {
    super();
    if (typeof filename !== 'string') throw new MongoInvalidArgumentError(`GridFS filename must be a string, got ${typeof filename}`);
    if (id === undefined) throw new MongoInvalidArgumentError('GridFS file id must not be undefined');
    this.id = id;
    this.filename = filename;
    this.chunkSizeBytes = validateChunkSize(options.chunkSizeBytes ?? chunkSizeBytes, 'chunkSizeBytes');
    this.options = options;
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.track(this.accept(chunk)).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.track(this.complete()).then(() => callback(), callback);
  }

  /**
   * Stops the upload and deletes the chunks already stored. Later writes fail; aborting
   * twice, or after the upload finished, is an error.
   */
  async abort(): Promise<void> {
    if (this.finished) throw new MongoGridFSStreamError(`cannot abort the upload of file ${describeId(this.id)}: it already finished`);
    if (this.aborted) throw new MongoGridFSStreamError(`cannot abort the upload of file ${describeId(this.id)}: it was already aborted`);
    this.aborted = true;
    await this.inFlight.catch(() => undefined);
    this.pieces = [];
    this.pendingChunks = [];
    await this.target.chunks.deleteMany({ files_id: this.id }, this.commandOptions());
    this.destroy();
  }

  /** CSOT: the stream's one deadline (set by the bucket), capping its whole life. */
  private deadline(): { timeoutContext?: TimeoutContext } {
    const timeoutContext = this.options.timeoutContext;
    return timeoutContext === undefined ? {} : { timeoutContext };
  }

  private commandOptions(): { session: unknown; timeoutContext?: TimeoutContext } {
    return { session: this.options.session, ...this.deadline() };
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight = work.catch(() => undefined);
    return work;
  }

  private async accept(chunk: unknown): Promise<void> {
    this.assertWritable();
    const bytes = toBuffer(chunk);
    this.length += bytes.length;
    this.pieceBytes += bytes.length;
    if (this.pieceBytes < this.chunkSizeBytes) {
      // Kept across writes, so copied: the application may reuse its buffer once this write returns.
      this.pieces.push(Buffer.from(bytes));
      return;
    }
    this.pieces.push(bytes);
    const all = Buffer.concat(this.pieces, this.pieceBytes);
    let offset = 0;
    while (all.length - offset >= this.chunkSizeBytes) {
      this.queueChunk(all.subarray(offset, offset + this.chunkSizeBytes));
      offset += this.chunkSizeBytes;
    }
    const rest = all.subarray(offset);
    this.pieces = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.pieceBytes = rest.length;
    if (this.pendingBytes >= BATCH_BYTES) await this.flush();
  }

  private async complete(): Promise<void> {
    this.assertWritable();
    if (this.pieceBytes > 0) this.queueChunk(Buffer.concat(this.pieces, this.pieceBytes));
    this.pieces = [];
    this.pieceBytes = 0;
    await this.flush();
    await this.target.ensureIndexes(this.deadline());
    this.assertWritable();
    const file: GridFSFile = {
      _id: this.id,
      length: Long.fromNumber(this.length),
      chunkSize: this.chunkSizeBytes,
      uploadDate: new Date(),
      filename: this.filename,
    };
    if (this.options.contentType !== undefined) file.contentType = this.options.contentType;
    if (this.options.aliases !== undefined) file.aliases = this.options.aliases;
    if (this.options.metadata !== undefined) file.metadata = this.options.metadata;
    await this.target.files.insertOne(file, this.commandOptions());
    this.finished = true;
    this.gridFSFile = file;
  }

  private queueChunk(data: Buffer): void {
    // Copy: `data` may be a view into a larger buffer the application still owns.
    this.pendingChunks.push({ _id: new ObjectId(), files_id: this.id, n: this.nextN++, data: new Binary(Buffer.from(data)) });
    this.pendingBytes += data.length;
  }

  private async flush(): Promise<void> {
    if (this.pendingChunks.length === 0) return;
    const batch = this.pendingChunks;
    this.pendingChunks = [];
    this.pendingBytes = 0;
    await this.target.ensureIndexes(this.deadline());
    this.assertWritable();
    await this.target.chunks.insertMany(batch, this.commandOptions());
  }

  private assertWritable(): void {
    if (this.aborted) throw new MongoGridFSStreamError(`the upload of file ${describeId(this.id)} was aborted`);
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new MongoInvalidArgumentError(`GridFS upload streams take Buffer, Uint8Array or string data, got ${typeof chunk}`);
}

/** A file id for error messages. */
export function describeId(id: unknown): string {
  if (id instanceof ObjectId) return `ObjectId('${id.toHexString()}')`;
  if (typeof id === 'string') return `'${id}'`;
  try {
    return EJSON.stringify(id as Document, { relaxed: true });
  } catch {
    return String(id);
  }
}
