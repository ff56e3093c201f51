// A recursive BSON writer for the documents a driver sends most (inserted documents, filters,
// command bodies): plain objects and arrays of strings, numbers, booleans, null/undefined,
// ObjectIds, Dates, and the BSON value classes every command body carries (Binary, Long,
// Timestamp; also Int32 and Double). bson's general serializer builds a frame object per
// nested document, tracks a Set for cycle detection, tests a regex per key and then copies
// its whole internal buffer out; this writes straight into the caller's growable buffer.
// Anything else (Decimal128, Code, regexes, byte-array and vector Binary, Maps, class
// instances, toBSON, bigint, keys with NUL, deep nesting, huge documents) makes it give up,
// and the caller serializes with bson instead, so the bytes are always the ones bson writes.
import { Binary, Double, Int32, Long, ObjectId, type Document } from '../../bson.js';

/** A buffer the encoder may grow: `ensure(n)` guarantees n writable bytes after `length` (it may replace `buffer`). */
export interface EncodeTarget {
  buffer: Buffer;
  length: number;
  ensure(bytes: number): void;
}

/** Deeper documents (or cycles) go to bson, which handles and reports them. */
const MAX_DEPTH = 100;
/** bson cannot serialize documents past its internal buffer; keep its error for those. */
const MAX_DOCUMENT_BYTES = 17 * 1024 * 1024;
/** Element type, key terminator, and the largest fixed-size value (a 12-byte ObjectId), with slack. */
const ELEMENT_OVERHEAD = 24;
/** Strings up to this length are written byte by byte when ASCII (cheaper than a native call). */
const SHORT_STRING = 48;

const GIVE_UP = -1;

const float64 = new Float64Array(1);
const float64Bytes = new Uint8Array(float64.buffer);

interface ObjectIdInternals {
  serializeInto?: (bytes: Uint8Array, at: number) => number;
}

const EMPTY = Buffer.alloc(0);
let target: EncodeTarget | undefined;
let buf: Buffer = EMPTY;
let ignoreUndefined = false;

/** Makes room for `bytes` more at `at` and refreshes the buffer the writes use. */
function room(at: number, bytes: number): void {
  if (at + bytes <= buf.length || target === undefined) return;
  target.length = at;
  target.ensure(bytes);
  buf = target.buffer;
}

/** Writes `text` as UTF-8 at `at` (room already made), plus NUL when `cstring`; GIVE_UP for a NUL inside a cstring. */
function writeText(text: string, at: number, cstring: boolean): number {
  const length = text.length;
  if (length <= SHORT_STRING) {
    let i = 0;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      if (code === 0 && cstring) return GIVE_UP;
      buf[at + i] = code;
    }
    if (i === length) {
      if (cstring) buf[at + length] = 0;
      return at + length + (cstring ? 1 : 0);
    }
  }
  if (cstring && text.includes('\0')) return GIVE_UP;
  const written = buf.write(text, at, 'utf8');
  if (!cstring) return at + written;
  buf[at + written] = 0;
  return at + written + 1;
}

function writeInt32(value: number, at: number): void {
  buf[at] = value;
  buf[at + 1] = value >>> 8;
  buf[at + 2] = value >>> 16;
  buf[at + 3] = value >>> 24;
}

function writeDouble(value: number, at: number): void {
  float64[0] = value;
  for (let i = 0; i < 8; i++) buf[at + i] = float64Bytes[i];
}

/** Writes one element (type, key, value) at `at`; returns the next offset, `at` for a skipped value, or GIVE_UP. */
function writeElement(key: string, value: unknown, inArray: boolean, at: number, depth: number): number {
  switch (typeof value) {
    case 'string': {
      room(at, ELEMENT_OVERHEAD + 3 * (key.length + value.length));
      buf[at] = 0x02;
      const sizeAt = writeText(key, at + 1, true);
      if (sizeAt === GIVE_UP) return GIVE_UP;
      const end = writeText(value, sizeAt + 4, false);
      buf[end] = 0;
      writeInt32(end + 1 - (sizeAt + 4), sizeAt);
      return end + 1;
    }
    case 'number': {
      room(at, ELEMENT_OVERHEAD + 3 * key.length);
      const isInt32 = (value | 0) === value && !(value === 0 && 1 / value < 0);
      buf[at] = isInt32 ? 0x10 : 0x01;
      const valueAt = writeText(key, at + 1, true);
      if (valueAt === GIVE_UP) return GIVE_UP;
      if (isInt32) {
        writeInt32(value, valueAt);
        return valueAt + 4;
      }
      writeDouble(value, valueAt);
      return valueAt + 8;
    }
    case 'boolean': {
      room(at, ELEMENT_OVERHEAD + 3 * key.length);
      buf[at] = 0x08;
      const valueAt = writeText(key, at + 1, true);
      if (valueAt === GIVE_UP) return GIVE_UP;
      buf[valueAt] = value ? 1 : 0;
      return valueAt + 1;
    }
    case 'undefined':
      if (!inArray && ignoreUndefined) return skipped(key, at);
      return writeNull(key, at);
    case 'object':
      if (value === null) return writeNull(key, at);
      return writeObjectElement(key, value, at, depth);
    case 'function':
    case 'symbol':
      // bson skips these (functions unless serializeFunctions, which the driver never sets).
      return skipped(key, at);
    default:
      return GIVE_UP;
  }
}

/** A value bson leaves out; it still rejects the key if it holds a NUL. */
function skipped(key: string, at: number): number {
  return key.includes('\0') ? GIVE_UP : at;
}

function writeNull(key: string, at: number): number {
  room(at, ELEMENT_OVERHEAD + 3 * key.length);
  buf[at] = 0x0a;
  return writeText(key, at + 1, true);
}

function writeObjectElement(key: string, value: object, at: number, depth: number): number {
  const candidate = value as { toBSON?: unknown; _bsontype?: unknown };
  if (typeof candidate.toBSON === 'function') return GIVE_UP;
  if (candidate._bsontype != null) return writeBsonValue(key, value, candidate._bsontype, at);
  if (value instanceof Date) {
    const time = value.getTime();
    if (!Number.isFinite(time)) return GIVE_UP;
    room(at, ELEMENT_OVERHEAD + 3 * key.length);
    buf[at] = 0x09;
    const valueAt = writeText(key, at + 1, true);
    if (valueAt === GIVE_UP) return GIVE_UP;
    const high = Math.floor(time / 0x1_0000_0000);
    writeInt32(time - high * 0x1_0000_0000, valueAt);
    writeInt32(high, valueAt + 4);
    return valueAt + 8;
  }
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return GIVE_UP;
  if (depth >= MAX_DEPTH) return GIVE_UP;
  room(at, ELEMENT_OVERHEAD + 3 * key.length);
  buf[at] = isArray ? 0x04 : 0x03;
  const bodyAt = writeText(key, at + 1, true);
  if (bodyAt === GIVE_UP) return GIVE_UP;
  return isArray ? writeArray(value as unknown[], bodyAt, depth + 1) : writeDocument(value as Document, bodyAt, depth + 1);
}

/**
 * The BSON value classes command bodies carry on every command (lsid's Binary, txnNumber's Long,
 * $clusterTime's Timestamp) and documents often hold; the others go to bson.
 */
function writeBsonValue(key: string, value: object, tag: unknown, at: number): number {
  let type: number;
  let size: number;
  if (tag === 'ObjectId' && value instanceof ObjectId) {
    type = 0x07;
    size = 12;
  } else if ((tag === 'Long' || tag === 'Timestamp') && value instanceof Long) {
    type = tag === 'Long' ? 0x12 : 0x11;
    size = 8;
  } else if (tag === 'Binary' && value instanceof Binary && value.sub_type !== Binary.SUBTYPE_BYTE_ARRAY && value.sub_type !== Binary.SUBTYPE_VECTOR) {
    type = 0x05;
    size = 5 + value.position;
  } else if (tag === 'Int32' && value instanceof Int32) {
    type = 0x10;
    size = 4;
  } else if (tag === 'Double' && value instanceof Double) {
    type = 0x01;
    size = 8;
  } else {
    return GIVE_UP;
  }
  room(at, ELEMENT_OVERHEAD + 3 * key.length + size);
  buf[at] = type;
  const valueAt = writeText(key, at + 1, true);
  if (valueAt === GIVE_UP) return GIVE_UP;
  switch (type) {
    case 0x07: {
      const serializeInto = (value as ObjectIdInternals).serializeInto;
      if (typeof serializeInto !== 'function') return GIVE_UP;
      return valueAt + serializeInto.call(value, buf, valueAt);
    }
    case 0x12:
    case 0x11:
      writeInt32((value as Long).getLowBits(), valueAt);
      writeInt32((value as Long).getHighBits(), valueAt + 4);
      return valueAt + 8;
    case 0x05: {
      const binary = value as Binary;
      writeInt32(binary.position, valueAt);
      buf[valueAt + 4] = binary.sub_type;
      buf.set(binary.buffer.subarray(0, binary.position), valueAt + 5);
      return valueAt + size;
    }
    case 0x10:
      writeInt32((value as Int32).valueOf(), valueAt);
      return valueAt + 4;
    default:
      writeDouble((value as Double).value, valueAt);
      return valueAt + 8;
  }
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Someone added an enumerable property to Object.prototype: for-in would see it, bson would not. */
function hasInheritedEnumerables(): boolean {
  for (const key in EMPTY_OBJECT) if (key !== undefined) return true;
  return false;
}

const EMPTY_OBJECT = {};

function writeDocument(document: Document, start: number, depth: number): number {
  room(start, 5);
  let at = start + 4;
  // for-in reads through V8's enum cache (faster than Object.keys + keyed loads); it equals
  // Object.keys here because plain objects inherit no enumerable keys (checked per call).
  for (const key in document) {
    at = writeElement(key, document[key], false, at, depth);
    if (at === GIVE_UP) return GIVE_UP;
  }
  return closeDocument(start, at);
}

function writeArray(array: readonly unknown[], start: number, depth: number): number {
  room(start, 5);
  let at = start + 4;
  for (let i = 0; i < array.length; i++) {
    at = writeElement(String(i), array[i], true, at, depth);
    if (at === GIVE_UP) return GIVE_UP;
  }
  return closeDocument(start, at);
}

function closeDocument(start: number, at: number): number {
  room(at, 1);
  buf[at] = 0;
  writeInt32(at + 1 - start, start);
  return at + 1;
}

/**
 * Appends `document` as BSON at `into.length` and returns true, or returns false (with
 * `into.length` unchanged and the bytes after it unspecified) when bson must do it.
 */
export function encodePlainDocument(into: EncodeTarget, document: Document, skipUndefined: boolean): boolean {
  // A getter that encodes while we encode would share the module state: let bson take the inner one.
  if (target !== undefined) return false;
  if (!isPlainObject(document) || typeof document.toBSON === 'function' || document._bsontype !== undefined) return false;
  if (hasInheritedEnumerables()) return false;
  const start = into.length;
  target = into;
  buf = into.buffer;
  ignoreUndefined = skipUndefined;
  let end: number;
  try {
    end = writeDocument(document, start, 0);
  } catch {
    // A throwing getter or a failed allocation: bson will report it (or succeed) its own way.
    end = GIVE_UP;
  } finally {
    target = undefined;
    buf = EMPTY;
  }
  if (end === GIVE_UP || end - start > MAX_DOCUMENT_BYTES) {
    into.length = start;
    return false;
  }
  into.length = end;
  return true;
}
