// Socket chunks in, whole frames out. Whole messages inside a chunk come back as views
// of it (no copy); only a message split across chunks is collected and joined, once.
import { MongoWireProtocolError } from '../errors.js';
import { checkMessageLength } from './header.js';
import { DEFAULT_MAX_MESSAGE_SIZE_BYTES, type DecodeOptions } from './types.js';

const LENGTH_FIELD_SIZE = 4;

export class MessageFramer {
  private readonly maxMessageSizeBytes: number;
  /** Pieces of the one incomplete message, in order. They are views of pushed chunks, so callers must not reuse chunk memory. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The incomplete message's length, or -1 while its length field is itself incomplete. */
  private expectedLength = -1;
  private failure: MongoWireProtocolError | undefined;

  constructor(options?: DecodeOptions) {
    this.maxMessageSizeBytes = options?.maxMessageSizeBytes ?? DEFAULT_MAX_MESSAGE_SIZE_BYTES;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Forgets any partial message and a previous error (e.g. for a fresh connection). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.expectedLength = -1;
    this.failure = undefined;
  }

  /**
   * Returns every frame completed by `chunk`. After a MongoWireProtocolError the stream has lost
   * its message boundaries: every later push throws the same error until reset().
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.consume(chunk);
    } catch (error) {
      if (error instanceof MongoWireProtocolError) {
        this.failure = error;
        this.pending = [];
        this.pendingBytes = 0;
      }
      throw error;
    }
  }

  private consume(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let rest = chunk;
    if (this.pendingBytes > 0) {
      const completed = this.completePending(rest);
      if (completed === undefined) return frames;
      frames.push(completed.frame);
      rest = completed.rest;
    }
    let offset = 0;
    while (rest.length - offset >= LENGTH_FIELD_SIZE) {
      const length = this.checkedLength(rest.readInt32LE(offset));
      if (rest.length - offset < length) break;
      frames.push(rest.subarray(offset, offset + length));
      offset += length;
    }
    if (offset < rest.length) this.hold(rest.subarray(offset));
    return frames;
  }

  private completePending(chunk: Buffer): { frame: Buffer; rest: Buffer } | undefined {
    let rest = chunk;
    if (this.expectedLength < 0) {
      const missing = LENGTH_FIELD_SIZE - this.pendingBytes;
      if (rest.length < missing) {
        this.hold(rest);
        return undefined;
      }
      this.hold(rest.subarray(0, missing));
      rest = rest.subarray(missing);
    }
    const needed = this.expectedLength - this.pendingBytes;
    if (rest.length < needed) {
      this.hold(rest);
      return undefined;
    }
    this.pending.push(rest.subarray(0, needed));
    const frame = Buffer.concat(this.pending, this.expectedLength);
    this.pending = [];
    this.pendingBytes = 0;
    this.expectedLength = -1;
    return { frame, rest: rest.subarray(needed) };
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    if (this.expectedLength < 0 && this.pendingBytes >= LENGTH_FIELD_SIZE) {
      const head = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, LENGTH_FIELD_SIZE);
      this.expectedLength = this.checkedLength(head.readInt32LE(0));
    }
  }

  private checkedLength(length: number): number {
    checkMessageLength(length, this.maxMessageSizeBytes);
    return length;
  }
}
