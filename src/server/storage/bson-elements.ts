// Byte-level surgery on serialized documents, so storage can move `_id` to the
// front of a stored document without rebuilding its object form (rebuilding a
// document with ~100k top-level fields costs far more than walking its bytes).
import { serialize } from '../../bson.js';

/** Where one top-level element sits inside a document's bytes. */
export interface ElementSpan {
  start: number;
  end: number;
}

function cstringEnd(bytes: Uint8Array, from: number): number {
  const at = bytes.indexOf(0, from);
  if (at < 0) throw new RangeError('unterminated element name in BSON document');
  return at + 1;
}

function int32At(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24);
}

/** The size of an element's value given its type byte (the value starts at `at`). */
function valueSize(bytes: Uint8Array, type: number, at: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8; // double, date, timestamp, int64
    case 0x02: case 0x0d: case 0x0e: return 4 + int32At(bytes, at); // string, code, symbol
    case 0x03: case 0x04: case 0x0f: return int32At(bytes, at); // document, array, code with scope
    case 0x05: return 5 + int32At(bytes, at); // binary: length, subtype, bytes
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0; // undefined, null, maxKey, minKey
    case 0x07: return 12; // ObjectId
    case 0x08: return 1; // bool
    case 0x0b: return cstringEnd(bytes, cstringEnd(bytes, at)) - at; // regex: two cstrings
    case 0x0c: return 4 + int32At(bytes, at) + 12; // DBPointer
    case 0x10: return 4; // int32
    case 0x13: return 16; // decimal128
    default: throw new RangeError(`unknown BSON element type 0x${type.toString(16)}`);
  }
}

/** The span of the top-level element named `name` (undefined when absent). */
export function findTopLevelElement(bytes: Uint8Array, name: string): ElementSpan | undefined {
  const wanted = Buffer.from(`${name}\0`, 'utf8');
  const last = bytes.length - 1;
  let at = 4;
  while (at < last) {
    const start = at;
    const type = bytes[at] ?? 0;
    const nameStart = at + 1;
    const valueStart = cstringEnd(bytes, nameStart);
    const end = valueStart + valueSize(bytes, type, valueStart);
    if (valueStart - nameStart === wanted.length && Buffer.compare(wanted, bytes.subarray(nameStart, valueStart)) === 0) return { start, end };
    at = end;
  }
  return undefined;
}

function writeInt32(target: Uint8Array, at: number, value: number): void {
  target[at] = value & 0xff;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = (value >>> 16) & 0xff;
  target[at + 3] = (value >>> 24) & 0xff;
}

/**
 * `bytes` with the `_id` element first: the existing one moved there, or `id`
 * (serialized) put there in place of whatever `_id` element the bytes held.
 * Returns `bytes` itself when `_id` already leads and no replacement is asked for.
 */
export function withIdElementFirst(bytes: Uint8Array, id?: unknown): Uint8Array {
  const existing = findTopLevelElement(bytes, '_id');
  if (id === undefined && existing !== undefined && existing.start === 4) return bytes;
  let head: Uint8Array;
  if (id !== undefined) {
    const idDoc = serialize({ _id: id });
    head = idDoc.subarray(4, idDoc.length - 1);
  } else if (existing !== undefined) {
    head = bytes.subarray(existing.start, existing.end);
  } else {
    throw new RangeError('withIdElementFirst: no _id element and no replacement given');
  }
  const removed = existing ? existing.end - existing.start : 0;
  const out = new Uint8Array(bytes.length - removed + head.length);
  writeInt32(out, 0, out.length);
  out.set(head, 4);
  let at = 4 + head.length;
  if (existing) {
    out.set(bytes.subarray(4, existing.start), at);
    at += existing.start - 4;
    out.set(bytes.subarray(existing.end), at);
  } else {
    out.set(bytes.subarray(4), at);
  }
  return out;
}

/** The first top-level element wrapped as a one-field document (to decode just `_id`). */
export function firstElementDocument(bytes: Uint8Array): Uint8Array {
  const type = bytes[4] ?? 0;
  const valueStart = cstringEnd(bytes, 5);
  const end = valueStart + valueSize(bytes, type, valueStart);
  const out = new Uint8Array(end - 4 + 5);
  writeInt32(out, 0, out.length);
  out.set(bytes.subarray(4, end), 4);
  out[out.length - 1] = 0;
  return out;
}
