// Turning BSON bytes into JS strings exactly as bson does: keys and regex parts are
// decoded leniently (bad bytes become U+FFFD), string values are validated UTF-8.
import { TextDecoder } from 'node:util';
import { MongoRuntimeError, MongoWireProtocolError } from '../../errors.js';

/** Node's native, argument-check-free slicers; present on every Buffer since Node 0.x, not in the types. */
interface NativeSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

export function nativeSlices(buffer: Buffer): NativeSlices {
  return buffer as unknown as NativeSlices;
}

const probe = Buffer.from('ok');
if (typeof (probe as unknown as Partial<NativeSlices>).utf8Slice !== 'function' || typeof (probe as unknown as Partial<NativeSlices>).latin1Slice !== 'function') {
  // Keeps the fast path honest: if a future Node drops these, every decode would fail loudly.
  throw new MongoRuntimeError('Buffer.prototype.utf8Slice/latin1Slice are missing: the BSON decoder needs them');
}

let fatalDecoder: TextDecoder | undefined;

/** Lenient UTF-8, as bson decodes keys and regular-expression parts. */
export function lenientString(buffer: Buffer, start: number, end: number): string {
  return nativeSlices(buffer).utf8Slice(start, end);
}

/**
 * Validated UTF-8 for string values. V8's decoder replaces any bad sequence with U+FFFD,
 * so only a result containing U+FFFD (rare: real data seldom carries it) needs the strict check.
 */
export function validatedString(buffer: Buffer, start: number, end: number, offset: number): string {
  const length = end - start;
  let high = 0;
  if (length <= 24) {
    for (let i = start; i < end; i++) high |= buffer[i];
    if (high < 0x80) return nativeSlices(buffer).latin1Slice(start, end);
  }
  const text = nativeSlices(buffer).utf8Slice(start, end);
  if (text.indexOf('\ufffd') !== -1) checkUtf8(buffer, start, end, offset);
  return text;
}

function checkUtf8(buffer: Buffer, start: number, end: number, offset: number): void {
  fatalDecoder ??= new TextDecoder('utf8', { fatal: true });
  try {
    fatalDecoder.decode(buffer.subarray(start, end));
  } catch (cause) {
    throw new MongoWireProtocolError(`BSON string at offset ${offset} is not valid UTF-8`, { cause });
  }
}

// Field names repeat across the documents of a batch; handing back the same (already
// internalized) string skips both the decode and V8's property-name lookup.
const KEY_CACHE_SLOTS = 4096;
const MAX_CACHED_KEY_LENGTH = 32;
const keyCache: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('');

/**
 * The key spanning [start, end). `hash` and `high` come from the caller's terminator scan:
 * a running hash of the bytes, and the OR of them (>= 0x80 means not ASCII).
 */
export function cachedKey(buffer: Buffer, start: number, end: number, hash: number, high: number): string {
  const length = end - start;
  if (high >= 0x80 || length > MAX_CACHED_KEY_LENGTH) return nativeSlices(buffer).utf8Slice(start, end);
  const slot = (hash ^ (hash >>> 13) ^ length) & (KEY_CACHE_SLOTS - 1);
  const cached = keyCache[slot];
  if (cached.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (cached.charCodeAt(i) !== buffer[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const key = nativeSlices(buffer).latin1Slice(start, end);
  keyCache[slot] = key;
  return key;
}
