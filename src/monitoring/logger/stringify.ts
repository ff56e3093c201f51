// Documents in log messages are relaxed extended JSON, cut naively at the
// configured length (logging spec, "Configurable Max Document Length"). The unit
// is UTF-16 code units, rounded down so a surrogate pair is never split.
import { EJSON, type Document } from '../../bson.js';

export const DEFAULT_MAX_DOCUMENT_LENGTH = 1000;
export const TRUNCATION_SUFFIX = '...';

/** `text` cut to at most `maxLength` code units (then "..."), never inside a surrogate pair. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, Math.floor(maxLength));
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end -= 1;
  return text.slice(0, end) + TRUNCATION_SUFFIX;
}

/** Relaxed extended JSON of a BSON document, truncated to `maxLength`; never throws. */
export function stringifyDocument(doc: Document, maxLength: number = DEFAULT_MAX_DOCUMENT_LENGTH): string {
  return truncateText(relaxedJson(doc), maxLength);
}

/**
 * Relaxed extended JSON of any driver value (a topology description with Maps, a read
 * preference, an error), truncated to `maxLength`; never throws.
 */
export function stringifyValue(value: unknown, maxLength: number = DEFAULT_MAX_DOCUMENT_LENGTH): string {
  return truncateText(relaxedJson(toLoggable(value)), maxLength);
}

function relaxedJson(doc: unknown): string {
  try {
    return EJSON.stringify(doc as Document, { relaxed: true });
  } catch (error) {
    // A log line must never break the operation it describes.
    return `<unserializable: ${error instanceof Error ? error.message : String(error)}>`;
  }
}

const MAX_DEPTH = 16;

/**
 * A value EJSON can print: Maps become documents, Sets arrays, errors their name and
 * message, functions a marker; deeper than MAX_DEPTH (or cyclic) becomes "<…>".
 * BSON values, dates and plain data pass through unchanged.
 */
export function toLoggable(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return '<function>';
    if (typeof value === 'symbol') return value.toString();
    return value;
  }
  if (depth >= MAX_DEPTH) return '<…>';
  if (isBsonValue(value) || value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  if (value instanceof Error) return { errorName: value.name, message: value.message };
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of value) out[String(key)] = toLoggable(entry, depth + 1);
    return out;
  }
  if (value instanceof Set) return [...value].map((entry) => toLoggable(entry, depth + 1));
  if (Array.isArray(value)) return value.map((entry) => toLoggable(entry, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = toLoggable(entry, depth + 1);
  return out;
}

function isBsonValue(value: object): boolean {
  return typeof (value as { _bsontype?: unknown })._bsontype === 'string';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
