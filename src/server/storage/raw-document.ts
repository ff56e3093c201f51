// A stored document's BSON bytes handed out as is (find without projection):
// replies splice the bytes in instead of serializing a copy of the object. The
// bytes are never written to once stored, so sharing them keeps copy semantics.
import { ObjectId, type Document } from '../../bson.js';
import { decode } from './values.js';

export class RawDocument {
  constructor(readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  /** A fresh object (canonical form) for consumers that need one. */
  toDocument(): Document {
    return decode(this.bytes);
  }
}

/** What cursors hold and batches carry: documents, or stored bytes. */
export type CursorDocument = Document | RawDocument;

export function materialize(doc: CursorDocument): Document {
  return doc instanceof RawDocument ? doc.toDocument() : doc;
}

// ---- Inserting received bytes (documents bson-inspect accepted: well formed, so the walk trusts sizes) ----

function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function cstringEnd(bytes: Uint8Array, at: number): number {
  let i = at;
  while (bytes[i] !== 0) i++;
  return i + 1;
}

/** The end of the value of type `type` starting at `at` (the types bson-inspect accepts). */
function valueEnd(bytes: Uint8Array, type: number, at: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return at + 8;
    case 0x02: case 0x0d: case 0x0e: return at + 4 + int32At(bytes, at);
    case 0x03: case 0x04: return at + int32At(bytes, at);
    case 0x05: return at + 5 + int32At(bytes, at);
    case 0x07: return at + 12;
    case 0x08: return at + 1;
    case 0x0b: return cstringEnd(bytes, cstringEnd(bytes, at));
    case 0x10: return at + 4;
    case 0x13: return at + 16;
    default: return at; // null, minKey, maxKey
  }
}

/** Ranges shorter than this are copied byte by byte (cheaper than a view plus a native copy). */
const SHORT_RANGE = 48;

function copyRange(source: Uint8Array, from: number, to: number, target: Uint8Array, at: number): void {
  if (to - from < SHORT_RANGE) {
    for (let i = from; i < to; i++) target[at + i - from] = source[i];
  } else {
    target.set(source.subarray(from, to), at);
  }
}

/** Is the element name at `at` exactly "_id"? */
function isIdName(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x5f && bytes[at + 1] === 0x69 && bytes[at + 2] === 0x64 && bytes[at + 3] === 0;
}

/**
 * A fresh copy of `bytes` with its top-level `_id` element first (where storage keeps it),
 * or undefined when the document has no `_id`. Walks the top level without allocating.
 */
export function copyWithIdFirst(bytes: Uint8Array): Uint8Array | undefined {
  const last = bytes.length - 1;
  let at = 4;
  while (at < last) {
    const start = at;
    const type = bytes[at];
    const isId = isIdName(bytes, at + 1);
    const end = valueEnd(bytes, type, cstringEnd(bytes, at + 1));
    if (isId) {
      // allocUnsafe: small documents come from Node's pooled slabs, not one allocation each (every byte is written below).
      const out = Buffer.allocUnsafe(bytes.length);
      copyRange(bytes, 0, 4, out, 0);
      copyRange(bytes, start, end, out, 4);
      copyRange(bytes, 4, start, out, 4 + end - start);
      copyRange(bytes, end, bytes.length, out, end);
      return out;
    }
    at = end;
  }
  return undefined;
}

/** The leading `_id` of stored bytes as storage's decode gives it, for the common types (else undefined). */
export function leadingIdValue(stored: Uint8Array): unknown {
  // type byte at 4, "_id\0" at 5..8, value at 9
  switch (stored[4]) {
    case 0x07:
      return new ObjectId(stored.subarray(9, 21));
    case 0x10:
      return int32At(stored, 9);
    default:
      return undefined;
  }
}
