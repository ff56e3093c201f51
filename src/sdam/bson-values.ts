// Narrowing helpers for values read out of hello replies, where a number may
// arrive as a JS number, Int32, Double, Long or Date depending on the codec.
import { Long, type Document } from '../bson.js';

export function toNumberOrNull(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (Long.isLong(value)) return value.toNumber();
  if (typeof value === 'object' && value !== null && 'valueOf' in value) {
    const primitive: unknown = (value as { valueOf(): unknown }).valueOf();
    if (typeof primitive === 'number' && Number.isFinite(primitive)) return primitive;
  }
  return null;
}

export function toStringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The reply's `ok` field as a truth value (1, 1.0, true, Int32(1), Double(1)). */
export function isOk(reply: Document): boolean {
  const ok: unknown = reply.ok;
  if (typeof ok === 'boolean') return ok;
  return toNumberOrNull(ok) === 1;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
