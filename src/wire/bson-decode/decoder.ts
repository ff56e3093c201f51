// A recursive BSON reader giving exactly what bson's deserialize gives with default options,
// tuned for the driver's hot path (cursor batches): one module-level cursor over the bytes,
// hand-rolled little-endian reads, cached field names, no option checks per element.
// Every length is checked against the enclosing document, so malformed input can only
// end in a MongoWireProtocolError; bson rejects all of those inputs too (see the tests).
import { MaxKey, MinKey, Timestamp, deserialize, type Document } from '../../bson.js';
import { MongoWireProtocolError } from '../../errors.js';
import { cachedKey, lenientString, validatedString } from './text.js';
import { binaryValue, codeValue, dbPointerValue, decimal128At, int64Value, maybeDbRef, objectIdAt, regExpValue } from './values.js';

/** Deeper documents go to bson's own (iterative) parser instead of growing our stack. */
const MAX_RECURSION_DEPTH = 200;
const TOO_DEEP: unique symbol = Symbol('too deep');

const EMPTY = Buffer.alloc(0);
let buf: Buffer = EMPTY;
let pos = 0;

const float64 = new Float64Array(1);
const float64Bytes = new Uint8Array(float64.buffer);

function int32At(at: number): number {
  return buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24);
}

function doubleAt(at: number): number {
  float64Bytes[0] = buf[at];
  float64Bytes[1] = buf[at + 1];
  float64Bytes[2] = buf[at + 2];
  float64Bytes[3] = buf[at + 3];
  float64Bytes[4] = buf[at + 4];
  float64Bytes[5] = buf[at + 5];
  float64Bytes[6] = buf[at + 6];
  float64Bytes[7] = buf[at + 7];
  return float64[0];
}

function malformed(what: string, at: number): MongoWireProtocolError {
  return new MongoWireProtocolError(`malformed BSON: ${what} at offset ${at}`);
}

/** Ensures `count` bytes starting at pos end before `last` (the enclosing terminator). */
function need(count: number, last: number, what: string): void {
  if (count > last - pos) throw malformed(`${what} runs past the end of its document`, pos);
}

/** Reads a length-prefixed string value at pos (validated UTF-8) and moves past it. */
function readString(last: number): string {
  need(4, last, 'string length');
  const size = int32At(pos);
  const start = pos + 4;
  if (size <= 0 || size > last - start || buf[start + size - 1] !== 0) throw malformed(`string length ${size} is invalid`, pos);
  pos = start + size;
  return validatedString(buf, start, start + size - 1, start);
}

/** Finds the NUL ending the C string at pos (before `last`); returns its offset. */
function cStringEnd(last: number, what: string): number {
  let at = pos;
  while (at < last && buf[at] !== 0) at++;
  if (at >= last) throw malformed(`${what} has no NUL terminator inside its document`, pos);
  return at;
}

function readObject(limit: number, depth: number, isScope: boolean): Document {
  const start = pos;
  if (limit - start < 5) throw malformed('embedded document is truncated', start);
  const size = int32At(start);
  if (size < 5 || size > limit - start) throw malformed(`document length ${size} is invalid`, start);
  if (depth > MAX_RECURSION_DEPTH) throw TOO_DEEP;
  const end = start + size;
  const last = end - 1;
  pos = start + 4;
  const document: Document = {};
  // null → no $-key seen, true → only $ref/$id/$db so far, false → not a DBRef (sticky).
  let dbRef: boolean | null = null;
  for (;;) {
    const type = buf[pos++];
    if (type === 0) {
      if (pos !== end) throw malformed('document terminator before its declared end', pos - 1);
      break;
    }
    const keyStart = pos;
    let hash = 0;
    let high = 0;
    let byte: number;
    while (pos < last && (byte = buf[pos]) !== 0) {
      hash = (Math.imul(hash, 31) + byte) | 0;
      high |= byte;
      pos++;
    }
    if (pos >= last) throw malformed('field name has no NUL terminator inside its document', keyStart);
    const key = cachedKey(buf, keyStart, pos, hash, high);
    pos++;
    if (dbRef !== false && buf[keyStart] === 0x24) dbRef = key === '$ref' || key === '$id' || key === '$db';
    const value = readValue(type, last, depth);
    if (key.length === 9 && key === '__proto__') {
      Object.defineProperty(document, key, { value, writable: true, enumerable: true, configurable: true });
    } else {
      document[key] = value;
    }
  }
  return dbRef === true && !isScope ? maybeDbRef(document) : document;
}

function readArray(limit: number, depth: number): unknown[] {
  const start = pos;
  if (limit - start < 5) throw malformed('embedded array is truncated', start);
  const size = int32At(start);
  if (size < 5 || size > limit - start) throw malformed(`array length ${size} is invalid`, start);
  if (depth > MAX_RECURSION_DEPTH) throw TOO_DEEP;
  const end = start + size;
  const last = end - 1;
  pos = start + 4;
  const array: unknown[] = [];
  for (;;) {
    const type = buf[pos++];
    if (type === 0) {
      if (pos !== end) throw malformed('array terminator before its declared end', pos - 1);
      break;
    }
    // bson ignores array keys entirely (elements are numbered in order): only skip them.
    const keyStart = pos;
    while (pos < last && buf[pos] !== 0) pos++;
    if (pos >= last) throw malformed('array key has no NUL terminator inside its array', keyStart);
    pos++;
    array.push(readValue(type, last, depth));
  }
  return array;
}

/** Reads one value of `type` at pos, which must end before `last`; leaves pos after it. */
function readValue(type: number, last: number, depth: number): unknown {
  const at = pos;
  switch (type) {
    case 0x01:
      need(8, last, 'double');
      pos += 8;
      return doubleAt(at);
    case 0x02:
      return readString(last);
    case 0x03:
      return readObject(last, depth + 1, false);
    case 0x04:
      return readArray(last, depth + 1);
    case 0x05:
      return readBinary(last);
    case 0x06:
      return undefined;
    case 0x07:
      need(12, last, 'ObjectId');
      pos += 12;
      return objectIdAt(buf, at);
    case 0x08: {
      need(1, last, 'boolean');
      const flag = buf[pos++];
      if (flag > 1) throw malformed(`boolean byte ${flag} is neither 0 nor 1`, at);
      return flag === 1;
    }
    case 0x09:
      need(8, last, 'date');
      pos += 8;
      return new Date(int32At(at + 4) * 4294967296 + (int32At(at) >>> 0));
    case 0x0a:
      return null;
    case 0x0b:
      return readRegExp(last);
    case 0x0c: {
      const namespace = readString(last);
      need(12, last, 'DBPointer ObjectId');
      pos += 12;
      return dbPointerValue(namespace, buf, pos - 12);
    }
    case 0x0d:
      return codeValue(readString(last));
    case 0x0e:
      return readString(last);
    case 0x0f:
      return readCodeWithScope(last, depth);
    case 0x10:
      need(4, last, 'int32');
      pos += 4;
      return int32At(at);
    case 0x11:
      need(8, last, 'timestamp');
      pos += 8;
      return new Timestamp({ i: int32At(at) >>> 0, t: int32At(at + 4) >>> 0 });
    case 0x12:
      need(8, last, 'int64');
      pos += 8;
      return int64Value(int32At(at), int32At(at + 4));
    case 0x13:
      need(16, last, 'Decimal128');
      pos += 16;
      return decimal128At(buf, at);
    case 0xff:
      return new MinKey();
    case 0x7f:
      return new MaxKey();
    default:
      throw malformed(`unknown BSON element type 0x${type.toString(16)}`, at - 1);
  }
}

function readBinary(last: number): unknown {
  need(5, last, 'binary header');
  const total = int32At(pos);
  const subtype = buf[pos + 4];
  if (total < 0) throw malformed(`binary length ${total} is negative`, pos);
  pos += 5;
  let size = total;
  if (subtype === 2) {
    need(4, last, 'binary subtype 2 inner length');
    size = int32At(pos);
    if (size !== total - 4) throw malformed(`binary subtype 2 inner length ${size} does not match its outer length ${total}`, pos);
    pos += 4;
  }
  need(size, last, 'binary data');
  pos += size;
  return binaryValue(buf, pos - size, pos, subtype);
}

function readRegExp(last: number): RegExp {
  const sourceEnd = cStringEnd(last, 'regular expression pattern');
  const source = lenientString(buf, pos, sourceEnd);
  pos = sourceEnd + 1;
  const optionsEnd = cStringEnd(last, 'regular expression options');
  const options = lenientString(buf, pos, optionsEnd);
  const at = pos;
  pos = optionsEnd + 1;
  return regExpValue(source, options, at);
}

function readCodeWithScope(last: number, depth: number): unknown {
  const start = pos;
  need(4, last, 'code-with-scope length');
  const total = int32At(start);
  if (total < 13 || total > last - start) throw malformed(`code-with-scope length ${total} is invalid`, start);
  pos += 4;
  const code = readString(last);
  const scope = readObject(last, depth + 1, true);
  if (pos - start !== total) throw malformed(`code-with-scope length ${total} does not match its contents (${pos - start} bytes)`, start);
  return codeValue(code, scope);
}

function asWireError(error: unknown, what: string): MongoWireProtocolError {
  if (error instanceof MongoWireProtocolError) return error;
  return new MongoWireProtocolError(`${what} is not valid BSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** One document at `start` that must end at `end`; too-deep documents go to bson. */
function decodeOne(bytes: Buffer, start: number, end: number): Document {
  pos = start;
  try {
    const document = readObject(end, 0, false);
    if (pos !== end) throw malformed(`${end - pos} unexpected bytes after the document`, pos);
    return document;
  } catch (error) {
    if (error !== TOO_DEEP) throw asWireError(error, 'document');
    const size = int32At(start);
    if (start + size !== end) throw malformed(`${end - start - size} unexpected bytes after the document`, start + size);
    try {
      return deserialize(bytes.subarray(start, end));
    } catch (cause) {
      throw asWireError(cause, 'deeply nested document');
    }
  }
}

/** The single document that `bytes` (from `offset`) holds, as bson's deserialize gives it. */
export function decodeDocument(bytes: Uint8Array, offset = 0): Document {
  buf = asBuffer(bytes);
  try {
    if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) throw malformed(`document offset ${offset} is outside the ${buf.length}-byte buffer`, 0);
    return decodeOne(buf, offset, buf.length);
  } finally {
    buf = EMPTY;
  }
}

/** Back-to-back documents filling [start, end) exactly (an OP_MSG kind-1 payload, OP_REPLY documents). */
export function decodeDocumentSequence(bytes: Uint8Array, start: number, end: number): Document[] {
  buf = asBuffer(bytes);
  const documents: Document[] = [];
  try {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > buf.length || start > end) throw malformed(`document sequence [${start}, ${end}) is outside the ${buf.length}-byte buffer`, start);
    let at = start;
    while (at < end) {
      if (end - at < 5) throw malformed(`${end - at} trailing bytes are too few for a document`, at);
      const size = int32At(at);
      if (size < 5 || size > end - at) throw malformed(`document length ${size} is invalid`, at);
      documents.push(decodeOne(buf, at, at + size));
      at += size;
    }
    return documents;
  } finally {
    buf = EMPTY;
  }
}
