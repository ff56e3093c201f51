// Per-document query metadata ($meta: 'textScore', $near distances). A $text or
// $near predicate records its result against the document object it examined;
// projection and sort read it back for the same object. Commands run
// synchronously, so the value read is the one the current query computed; a
// later query over the same stored object overwrites it before reading.
import type { Document } from '../../bson.js';

const textScores = new WeakMap<object, number>();
const nearDistances = new WeakMap<object, number>();

export function recordTextScore(doc: Document, score: number): void {
  textScores.set(doc, score);
}

export function textScoreOf(doc: Document): number | undefined {
  return textScores.get(doc);
}

export function recordNearDistance(doc: Document, distance: number): void {
  nearDistances.set(doc, distance);
}

export function nearDistanceOf(doc: Document): number | undefined {
  return nearDistances.get(doc);
}

/** Copies a document's metadata onto another object (a stage's output derived from it). */
export function carryMetadata(from: Document, to: Document): void {
  const score = textScores.get(from);
  if (score !== undefined) textScores.set(to, score);
  const distance = nearDistances.get(from);
  if (distance !== undefined) nearDistances.set(to, distance);
}

/** Whether a filter uses $near/$nearSphere on some top-level field (results come ordered by distance). */
export function usesNear(filter: Document | undefined): boolean {
  if (filter === undefined || filter === null) return false;
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(value)) {
      if (value.some((sub) => typeof sub === 'object' && sub !== null && usesNear(sub as Document))) return true;
    } else if (!key.startsWith('$') && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if ('$near' in value || '$nearSphere' in value) return true;
    }
  }
  return false;
}

/** Orders records by the distance their $near predicate recorded (stable). */
export function orderByNearDistance<T>(entries: T[], docOf: (entry: T) => Document): T[] {
  return entries
    .map((entry, i) => ({ entry, i, d: nearDistanceOf(docOf(entry)) ?? Infinity }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.entry);
}
