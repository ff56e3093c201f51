// A reusable scratch buffer that messages are assembled in. bson can only serialize through
// its own internal buffer and then copy out, so the cheapest path is: serialize each document
// straight into this scratch (one copy), then copy the finished message out once. No per-
// document allocations and no size pre-pass (calculateObjectSize costs as much as serializing).
import type { Document } from '../bson.js';
import { serializeWithBufferAndIndex } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { encodePlainDocument } from './bson-encode/index.js';

export interface SerializeSettings {
  ignoreUndefined: boolean;
}

const INITIAL_SIZE = 64 * 1024;
/** A scratch grown past this by one huge message is released afterwards rather than kept. */
const RETAINED_LIMIT = 4 * 1024 * 1024;
/** bson's own serialization buffer: no document larger than this can be serialized at all. */
const BSON_INTERNAL_BUFFER_SIZE = 17 * 1024 * 1024;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class MessageWriter {
  buffer: Buffer;
  length = 0;

  constructor(size = INITIAL_SIZE) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  private grow(minimum: number): void {
    let size = this.buffer.length * 4;
    while (size < minimum) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  /** Guarantees `bytes` writable bytes after `length` (may replace `buffer`). */
  ensure(bytes: number): void {
    if (this.length + bytes > this.buffer.length) this.grow(this.length + bytes);
  }

  reserve(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.buffer.length) this.grow(at + bytes);
    this.length = at + bytes;
    return at;
  }

  // Each writer reserves BEFORE touching this.buffer: reserve() may replace the buffer,
  // and `this.buffer.x(…, this.reserve(n))` would write into the old one.
  int32(value: number): void {
    const at = this.reserve(4);
    this.buffer.writeInt32LE(value | 0, at);
  }

  uint32(value: number): void {
    const at = this.reserve(4);
    this.buffer.writeUInt32LE(value >>> 0, at);
  }

  byte(value: number): void {
    const at = this.reserve(1);
    this.buffer[at] = value;
  }

  cstring(text: string): void {
    const size = Buffer.byteLength(text, 'utf8');
    const at = this.reserve(size + 1);
    this.buffer.write(text, at, size, 'utf8');
    this.buffer[at + size] = 0;
  }

  bytes(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.buffer.set(data, at);
  }

  document(document: Document, settings: SerializeSettings, what: string): void {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      const kind = document === null ? 'null' : Array.isArray(document) ? 'an array' : typeof document;
      throw new MongoInvalidArgumentError(`${what} must be a document, got ${kind}`);
    }
    if (encodePlainDocument(this, document, settings.ignoreUndefined)) return;
    for (;;) {
      try {
        const lastIndex = serializeWithBufferAndIndex(document, this.buffer, {
          index: this.length,
          checkKeys: false,
          serializeFunctions: false,
          ignoreUndefined: settings.ignoreUndefined,
        });
        this.length = lastIndex + 1;
        return;
      } catch (error) {
        // bson serializes into its own buffer, then copies here: a RangeError means our scratch was too small.
        if (error instanceof RangeError && !error.message.includes('call stack') && this.buffer.length - this.length < BSON_INTERNAL_BUFFER_SIZE) {
          this.grow(this.buffer.length * 2);
          continue;
        }
        throw new MongoInvalidArgumentError(`${what} cannot be serialized to BSON: ${reason(error)}`, { cause: error });
      }
    }
  }

  patchInt32(at: number, value: number): void {
    this.buffer.writeInt32LE(value | 0, at);
  }

  /** The finished message, copied out so the scratch can be reused. */
  finish(): Buffer {
    const message = Buffer.allocUnsafe(this.length);
    this.buffer.copy(message, 0, 0, this.length);
    return message;
  }
}

let shared: MessageWriter | undefined;
let sharedInUse = false;

/**
 * Runs `build` with an empty writer and returns the finished message. The shared scratch is
 * reused across calls; a nested call (a toBSON() that encodes a message) gets its own.
 */
export function withWriter(build: (writer: MessageWriter) => void): Buffer {
  if (sharedInUse) {
    const own = new MessageWriter(1024);
    build(own);
    return own.finish();
  }
  const writer = (shared ??= new MessageWriter());
  sharedInUse = true;
  try {
    writer.length = 0;
    build(writer);
    return writer.finish();
  } finally {
    sharedInUse = false;
    if (writer.buffer.length > RETAINED_LIMIT) shared = undefined;
  }
}
