// Decides, by walking its bytes once, whether a received BSON document may be kept as
// bytes instead of being deserialized: true only when bson would deserialize it without
// error AND serializing that result would give back these very bytes (with the
// options a server decodes commands with: promoteValues false, bsonRegExp true).
// Anything this walk is unsure of answers false, and the caller deserializes as before,
// so bson still reports malformed input its own way. Refused on purpose (rare in practice,
// and round trips that change bytes or meaning): `$`-prefixed keys (DBRef-like, operators),
// `__proto__`, all-digit keys (JS lists them first), non-ASCII keys, duplicate keys, array keys out of order, undefined,
// DBPointer, code with scope, binary subtypes 2 and 9, dates outside the JS Date range,
// booleans other than 0/1, regex options bson would reorder or reject, unknown types.
import { isUtf8 } from 'node:buffer';

const NOT_STORABLE = -1;
/** Largest |milliseconds| a JS Date holds; bson turns others into NaN dates. */
const MAX_DATE_MS = 8.64e15;
/** Keys of one document level are compared pairwise up to this many, through a hash table beyond. */
const PAIRWISE_LIMIT = 32;

/** FNV-1a hashes and offsets of the keys of the levels being walked (a stack: one run per open document). */
let keyHashes = new Int32Array(256);
let keyStarts = new Int32Array(256);
let keyCount = 0;

function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function pushKey(hash: number, start: number): void {
  if (keyCount === keyHashes.length) {
    const hashes = new Int32Array(keyHashes.length * 2);
    hashes.set(keyHashes);
    keyHashes = hashes;
    const starts = new Int32Array(keyStarts.length * 2);
    starts.set(keyStarts);
    keyStarts = starts;
  }
  keyHashes[keyCount] = hash;
  keyStarts[keyCount] = start;
  keyCount++;
}

/** The NUL-terminated keys at `a` and `b` are equal. */
function sameKey(bytes: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; ; i++) {
    const c = bytes[a + i];
    if (c !== bytes[b + i]) return false;
    if (c === 0) return true;
  }
}

/** An open-addressing table of the keys of one wide level: slot -> key number + 1, valid while its stamp is current. */
let slots = new Int32Array(1024);
let slotStamps = new Int32Array(1024);
let stamp = 0;

/** True when two keys of one level are equal. Hashes decide, bytes settle collisions. */
function hasDuplicateKey(bytes: Uint8Array, from: number, to: number): boolean {
  const count = to - from;
  if (count <= PAIRWISE_LIMIT) {
    for (let i = from; i < to; i++) {
      for (let j = i + 1; j < to; j++) if (keyHashes[i] === keyHashes[j] && sameKey(bytes, keyStarts[i], keyStarts[j])) return true;
    }
    return false;
  }
  let size = slots.length;
  while (size < count * 2) size *= 2;
  if (size !== slots.length || stamp === 0x7fffffff) {
    slots = new Int32Array(size);
    slotStamps = new Int32Array(size);
    stamp = 0;
  }
  stamp++;
  const mask = size - 1;
  for (let k = from; k < to; k++) {
    const hash = keyHashes[k];
    let slot = hash & mask;
    while (slotStamps[slot] === stamp) {
      const other = slots[slot];
      if (keyHashes[other] === hash && sameKey(bytes, keyStarts[other], keyStarts[k])) return true;
      slot = (slot + 1) & mask;
    }
    slotStamps[slot] = stamp;
    slots[slot] = k;
  }
  return false;
}

/** The key at `start` (length `length`) is the decimal form of `index`, as bson writes array keys. */
function isIndexKey(bytes: Uint8Array, start: number, length: number, index: number): boolean {
  if (length === 0) return false;
  let rest = index;
  for (let i = start + length - 1; i >= start; i--) {
    if (bytes[i] !== 0x30 + (rest % 10)) return false;
    rest = Math.floor(rest / 10);
  }
  return rest === 0 && (length === 1 || bytes[start] !== 0x30);
}

const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f]; // "__proto__"

function isProtoKey(bytes: Uint8Array, start: number): boolean {
  for (let i = 0; i < PROTO.length; i++) if (bytes[start + i] !== PROTO[i]) return false;
  return true;
}

/** A BSON string value (int32 length, bytes, NUL) at `at` ending by `limit`: its end, or NOT_STORABLE. */
function stringEnd(bytes: Uint8Array, at: number, limit: number): number {
  if (at + 4 > limit) return NOT_STORABLE;
  const length = int32At(bytes, at);
  const end = at + 4 + length;
  if (length < 1 || end > limit || bytes[end - 1] !== 0) return NOT_STORABLE;
  for (let i = at + 4; i < end - 1; i++) {
    // bson rejects invalid UTF-8 in strings: check the (rare) non-ASCII ones natively.
    if (bytes[i] >= 0x80) return isUtf8(bytes.subarray(i, end - 1)) ? end : NOT_STORABLE;
  }
  return end;
}

/** Regex options bson keeps as they are: ascending, each one of "ilmsux". */
function regexOptionsEnd(bytes: Uint8Array, at: number, limit: number): number {
  let previous = 0;
  for (let i = at; i < limit; i++) {
    const c = bytes[i];
    if (c === 0) return i + 1;
    // i l m s u x
    if ((c !== 0x69 && c !== 0x6c && c !== 0x6d && c !== 0x73 && c !== 0x75 && c !== 0x78) || c <= previous) return NOT_STORABLE;
    previous = c;
  }
  return NOT_STORABLE;
}

function regexEnd(bytes: Uint8Array, at: number, limit: number): number {
  for (let i = at; i < limit; i++) {
    const c = bytes[i];
    if (c === 0) return regexOptionsEnd(bytes, i + 1, limit);
    if (c >= 0x80) return NOT_STORABLE;
  }
  return NOT_STORABLE;
}

function dateInRange(bytes: Uint8Array, at: number): boolean {
  const ms = int32At(bytes, at + 4) * 0x1_0000_0000 + (int32At(bytes, at) >>> 0);
  return Math.abs(ms) <= MAX_DATE_MS;
}

/** The end of the value of type `type` at `at`, within `limit`, or NOT_STORABLE. */
function valueEnd(bytes: Uint8Array, type: number, at: number, limit: number, depth: number): number {
  let end: number;
  switch (type) {
    case 0x01: // double
    case 0x11: // timestamp
    case 0x12: // int64
      end = at + 8;
      break;
    case 0x09: // date
      end = at + 8;
      if (end <= limit && !dateInRange(bytes, at)) return NOT_STORABLE;
      break;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return stringEnd(bytes, at, limit);
    case 0x03:
      return documentEnd(bytes, at, limit, false, depth + 1);
    case 0x04:
      return documentEnd(bytes, at, limit, true, depth + 1);
    case 0x05: {
      if (at + 5 > limit) return NOT_STORABLE;
      const length = int32At(bytes, at);
      const subtype = bytes[at + 4];
      if (length < 0 || subtype === 0x02 || subtype === 0x09) return NOT_STORABLE;
      end = at + 5 + length;
      break;
    }
    case 0x07: // ObjectId
      end = at + 12;
      break;
    case 0x08: // boolean
      if (at < limit && bytes[at] > 1) return NOT_STORABLE;
      end = at + 1;
      break;
    case 0x0a: // null
    case 0x7f: // maxKey
    case 0xff: // minKey
      end = at;
      break;
    case 0x0b:
      return regexEnd(bytes, at, limit);
    case 0x10: // int32
      end = at + 4;
      break;
    case 0x13: // decimal128
      end = at + 16;
      break;
    default:
      return NOT_STORABLE;
  }
  return end <= limit ? end : NOT_STORABLE;
}

/** Walks the document at `start` (within `limit`); returns its end, or NOT_STORABLE. */
function documentEnd(bytes: Uint8Array, start: number, limit: number, isArray: boolean, depth: number): number {
  if (limit - start < 5 || depth > 100) return NOT_STORABLE;
  const size = int32At(bytes, start);
  if (size < 5 || size > limit - start) return NOT_STORABLE;
  const last = start + size - 1;
  if (bytes[last] !== 0) return NOT_STORABLE;
  const firstKey = keyCount;
  let at = start + 4;
  let index = 0;
  while (at < last) {
    const type = bytes[at++];
    const keyStart = at;
    let hash = 0x811c9dc5 | 0;
    let digits = true;
    for (; at < last; at++) {
      const c = bytes[at];
      if (c === 0) break;
      if (c >= 0x80) return NOT_STORABLE;
      if (c < 0x30 || c > 0x39) digits = false;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    if (at >= last) return NOT_STORABLE;
    const keyLength = at - keyStart;
    at++;
    if (isArray) {
      if (!isIndexKey(bytes, keyStart, keyLength, index)) return NOT_STORABLE;
      index++;
    } else {
      // A JS object lists integer-like keys first: bson would write them back in another order.
      if ((digits && keyLength > 0) || bytes[keyStart] === 0x24 || (keyLength === 9 && isProtoKey(bytes, keyStart))) return NOT_STORABLE;
      pushKey(hash, keyStart);
    }
    at = valueEnd(bytes, type, at, last, depth);
    if (at === NOT_STORABLE) return NOT_STORABLE;
  }
  if (at !== last) return NOT_STORABLE;
  if (hasDuplicateKey(bytes, firstKey, keyCount)) return NOT_STORABLE;
  keyCount = firstKey;
  return last + 1;
}

/** True when `bytes` (exactly one document) can stand for its deserialized form, byte for byte. */
export function isStorableAsIs(bytes: Uint8Array): boolean {
  keyCount = 0;
  try {
    return documentEnd(bytes, 0, bytes.length, false, 0) === bytes.length;
  } catch {
    return false;
  } finally {
    keyCount = 0;
  }
}
