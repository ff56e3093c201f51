// Text index specifications as mongod stores them: the key's text fields are
// replaced by { _fts: 'text', _ftsx: 1 } (other fields stay as compound prefix/suffix),
// their weights (default 1, sorted by field name) go to `weights`, and
// default_language / language_override / textIndexVersion: 3 are filled in.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument, toNumber } from '../bson-types.js';
import { canonicalLanguage } from './tokenize.js';

export interface TextIndexInfo {
  name: string;
  /** Field path → weight; '$**' (all string fields) when the index is a wildcard text index. */
  weights: Map<string, number>;
  defaultLanguage: string;
  languageOverride: string;
}

export function isTextKeyPattern(key: Document): boolean {
  return Object.values(key).some((v) => v === 'text') || key._fts === 'text';
}

function badSpec(message: string): CommandError {
  return new CommandError(ErrorCodes.CannotCreateIndex, message);
}

/** Rewrites a createIndexes spec with text fields into mongod's stored form (idempotent). */
export function normalizeTextIndexSpec(spec: Document): Document {
  const key = spec.key as Document;
  const weights: Record<string, number> = {};
  const newKey: Document = {};
  let placed = false;
  for (const [field, value] of Object.entries(key)) {
    if (value === 'text' || field === '_fts' || field === '_ftsx') {
      if (value === 'text' && field !== '_fts') weights[field] = 1;
      if (!placed) {
        newKey._fts = 'text';
        newKey._ftsx = 1;
        placed = true;
      }
    } else newKey[field] = value;
  }
  if (spec.weights !== undefined) {
    if (!isPlainDocument(spec.weights)) throw badSpec('weights must be an object');
    for (const [field, w] of Object.entries(spec.weights)) {
      const n = toNumber(w);
      if (!Number.isFinite(n) || n <= 0 || n >= 100000) throw badSpec(`text index weight must be in the exclusive interval (0,100000) but found: ${String(w)}`);
      weights[field] = n;
    }
  }
  if (Object.keys(weights).length === 0) throw badSpec('text index option weights must contain at least one field');
  const sorted: Document = {};
  for (const field of Object.keys(weights).sort()) sorted[field] = weights[field];
  const defaultLanguage = spec.default_language ?? 'english';
  canonicalLanguage(defaultLanguage);
  const languageOverride = spec.language_override ?? 'language';
  if (typeof languageOverride !== 'string' || languageOverride === '') throw badSpec('language_override must be a non-empty string');
  const version = spec.textIndexVersion ?? 3;
  if (toNumber(version) !== 3) throw badSpec(`Currently only textIndexVersion 3 is supported, not ${String(version)}`);
  return { ...spec, key: newKey, weights: sorted, default_language: defaultLanguage, language_override: languageOverride, textIndexVersion: 3 };
}

/** The collection's text index (listIndexes form), if any. */
export function findTextIndex(indexes: readonly Document[]): Document | undefined {
  return indexes.find((ix) => isPlainDocument(ix.key) && ix.key._fts === 'text');
}

export function textIndexInfo(spec: Document): TextIndexInfo {
  const weights = new Map<string, number>();
  if (isPlainDocument(spec.weights)) for (const [field, w] of Object.entries(spec.weights)) weights.set(field, toNumber(w));
  return {
    name: String(spec.name),
    weights,
    defaultLanguage: canonicalLanguage(spec.default_language ?? 'english'),
    languageOverride: typeof spec.language_override === 'string' ? spec.language_override : 'language',
  };
}

/** mongod allows one text index per collection (a second one with another key fails). */
export function checkSingleTextIndex(existing: readonly Document[], spec: Document): void {
  const current = findTextIndex(existing);
  if (current === undefined || current.name === spec.name) return;
  if (JSON.stringify(current.key) === JSON.stringify(spec.key)) return; // same key: the usual equivalent-index conflict rules apply
  throw new CommandError(ErrorCodes.CannotCreateIndex, `only one text index per collection allowed, found existing text index "${String(current.name)}"`);
}
