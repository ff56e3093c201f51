// GridFSBucketReadStream: finds the files document, then reads its chunks in order,
// checking each one's n and size (gridfs spec "File Download", "Partial File Retrieval").
import type { TimeoutContext } from '../connection/timeout-context.js';
import { Readable } from 'node:stream';
import { Binary, type Document } from '../bson.js';
import type { Collection } from '../crud/collection.js';
import type { FindCursor } from '../crud/cursors/find-cursor.js';
import { MongoGridFSChunkError, MongoGridFSStreamError, MongoInvalidArgumentError } from '../errors.js';
import { asNumber } from './numeric.js';
import { describeId } from './upload.js';
import type { GridFSFile, GridFSDownloadOptions } from './types.js';

/** How the stream finds its files document: a query plus what to say when nothing matches. */
export interface FileLookup {
  readonly filter: Document;
  readonly sort?: Document;
  readonly skip?: number;
  /** The error for "no such file", decided after the query came back empty. */
  notFound(): Promise<Error>;
}

/** The part of the file to read, in chunk and byte terms. */
interface Plan {
  readonly file: GridFSFile;
  readonly chunkSize: number;
  readonly length: number;
  /** Chunk numbers [firstN, endN) are read. */
  readonly firstN: number;
  readonly endN: number;
  readonly start: number;
  readonly end: number;
}

function validateOffset(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MongoInvalidArgumentError(`GridFS download '${what}' must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export class GridFSBucketReadStream extends Readable {
  /** The files document, once it was read. */
  gridFSFile: GridFSFile | null = null;

  private startByte: number | undefined;
  private endByte: number | undefined;
  private plan: Plan | undefined;
  private cursor: FindCursor<Document> | undefined;
  private expectedN = 0;
  private started = false;
  private readonly session: unknown;
  /** CSOT: the stream's one deadline (set by the bucket), capping its whole life. */
  private readonly deadline: { timeoutContext?: TimeoutContext };

  constructor(
    private readonly files: Collection,
    private readonly chunks: Collection,
    private readonly lookup: FileLookup,
    options: GridFSDownloadOptions = {},
  ) {
    super();
    this.startByte = validateOffset(options.start, 'start');
    this.endByte = validateOffset(options.end, 'end');
    this.session = options.session;
    this.deadline = options.timeoutContext === undefined ? {} : { timeoutContext: options.timeoutContext };
  }

  /** Sets the first byte to read (inclusive), before reading starts. */
  start(start: number): this {
    this.assertNotStarted('start');
    this.startByte = validateOffset(start, 'start');
    return this;
  }

  /** Sets the byte to stop before (exclusive), before reading starts. */
  end(end: number): this {
    this.assertNotStarted('end');
    this.endByte = validateOffset(end, 'end');
    return this;
  }

  /** Stops reading and closes the chunks cursor. */
  async abort(): Promise<void> {
    await this.closeCursor();
    this.destroy();
  }

  override _read(): void {
    this.started = true;
    this.step().catch((error: unknown) => this.destroy(error instanceof Error ? error : new MongoGridFSStreamError(String(error))));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeCursor().then(() => callback(error), () => callback(error));
  }

  private async step(): Promise<void> {
    const plan = this.plan ?? (await this.open());
    if (plan === undefined) return;
    if (this.expectedN >= plan.endN) {
      await this.closeCursor();
      this.push(null);
      return;
    }
    this.cursor ??= this.chunks.find(
      plan.firstN > 0 ? { files_id: plan.file._id, n: { $gte: plan.firstN } } : { files_id: plan.file._id },
      { sort: { n: 1 }, session: this.session, ...this.deadline },
    );
    const chunk = await this.cursor.next();
    const bytes = this.check(plan, chunk);
    const n = this.expectedN++;
    const from = n === plan.firstN ? plan.start - n * plan.chunkSize : 0;
    const to = n === plan.endN - 1 ? plan.end - n * plan.chunkSize : bytes.length;
    this.push(bytes.subarray(from, to));
  }

  /** Reads the files document and works out which chunks to fetch; undefined when nothing is to be read. */
  private async open(): Promise<Plan | undefined> {
    const { filter, sort, skip } = this.lookup;
    const file = (await this.files.findOne(filter, { sort, skip, session: this.session, ...this.deadline })) as GridFSFile | null;
    if (file === null) throw await this.lookup.notFound();
    this.gridFSFile = file;
    const id = describeId(file._id);
    const length = asNumber(file.length);
    const chunkSize = asNumber(file.chunkSize);
    if (length === undefined || !Number.isInteger(length) || length < 0) throw new MongoGridFSStreamError(`file ${id} has an invalid length: ${String(file.length)}`);
    if (chunkSize === undefined || !Number.isInteger(chunkSize) || chunkSize <= 0) {
      throw new MongoGridFSStreamError(`file ${id} has an invalid chunkSize: ${String(file.chunkSize)}`);
    }
    const start = this.startByte ?? 0;
    const end = this.endByte ?? length;
    if (start > length) throw new MongoGridFSStreamError(`download start ${start} is past the end of file ${id} (length ${length})`);
    if (end > length) throw new MongoGridFSStreamError(`download end ${end} is past the end of file ${id} (length ${length})`);
    if (start > end) throw new MongoGridFSStreamError(`download start ${start} is after end ${end} for file ${id}`);
    // A zero-length read needs no chunks query at all (the spec forbids one for empty files).
    if (start === end) {
      this.push(null);
      return undefined;
    }
    const firstN = Math.floor(start / chunkSize);
    const plan: Plan = { file, chunkSize, length, firstN, endN: Math.ceil(end / chunkSize), start, end };
    this.expectedN = firstN;
    this.plan = plan;
    return plan;
  }

  /** The chunk's bytes, if it is the chunk expected next with the expected size. */
  private check(plan: Plan, chunk: Document | null): Uint8Array {
    const id = describeId(plan.file._id);
    const n = this.expectedN;
    if (chunk === null) throw new MongoGridFSChunkError(`chunk ${n} of file ${id} is missing (the chunks ended early)`);
    const actualN = asNumber(chunk.n);
    if (actualN !== n) {
      const why = actualN !== undefined && actualN > n ? 'is missing' : `is out of order (got n=${String(chunk.n)})`;
      throw new MongoGridFSChunkError(`chunk ${n} of file ${id} ${why}`);
    }
    const bytes = chunkBytes(chunk.data);
    if (bytes === undefined) throw new MongoGridFSChunkError(`chunk ${n} of file ${id} has no binary data field`);
    const lastN = Math.ceil(plan.length / plan.chunkSize) - 1;
    const expected = n < lastN ? plan.chunkSize : plan.length - lastN * plan.chunkSize;
    if (bytes.length !== expected) {
      throw new MongoGridFSChunkError(`chunk ${n} of file ${id} holds ${bytes.length} bytes, expected ${expected}`);
    }
    return bytes;
  }

  private async closeCursor(): Promise<void> {
    const cursor = this.cursor;
    this.cursor = undefined;
    if (cursor !== undefined) await cursor.close();
  }

  private assertNotStarted(what: string): void {
    if (this.started) throw new MongoGridFSStreamError(`cannot set ${what} after the download started`);
  }
}

function chunkBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Binary) return data.buffer.subarray(0, data.position);
  if (data instanceof Uint8Array) return data;
  return undefined;
}
