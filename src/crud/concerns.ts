// Read preference, read concern and write concern as the CRUD layer sees them:
// structural shapes (so the value classes from src/concerns/ and plain objects both
// fit) and their command-field forms, computed once per Client/Db/Collection.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';

export type ReadPreferenceMode = 'primary' | 'primaryPreferred' | 'secondary' | 'secondaryPreferred' | 'nearest';

export interface ReadPreferenceLike {
  readonly mode: ReadPreferenceMode;
  readonly tags?: readonly Document[];
  readonly maxStalenessSeconds?: number;
  readonly hedge?: Document;
}

export interface ReadConcernLike {
  readonly level?: string;
}

export interface WriteConcernLike {
  readonly w?: number | string;
  readonly wtimeoutMS?: number;
  readonly wtimeout?: number;
  readonly journal?: boolean;
  readonly j?: boolean;
}

export interface ServerApiLike {
  readonly version: string;
  readonly strict?: boolean;
  readonly deprecationErrors?: boolean;
}

export const PRIMARY: ReadPreferenceLike = Object.freeze({ mode: 'primary' });

const MODES: ReadonlySet<string> = new Set(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest']);

/** Accepts a mode name or a read preference object; rejects anything else by name. */
export function toReadPreference(value: unknown): ReadPreferenceLike | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (!MODES.has(value)) throw new MongoInvalidArgumentError(`readPreference mode '${value}' is not one of ${[...MODES].join(', ')}`);
    return value === 'primary' ? PRIMARY : { mode: value as ReadPreferenceMode };
  }
  if (typeof value === 'object' && typeof (value as { mode?: unknown }).mode === 'string') {
    const mode = (value as { mode: string }).mode;
    if (!MODES.has(mode)) throw new MongoInvalidArgumentError(`readPreference mode '${mode}' is not one of ${[...MODES].join(', ')}`);
    return value as ReadPreferenceLike;
  }
  throw new MongoInvalidArgumentError('readPreference must be a mode name or an object with a mode');
}

/** The `$readPreference` document. */
export function readPreferenceDocument(readPreference: ReadPreferenceLike): Document {
  const doc: Document = { mode: readPreference.mode };
  if (readPreference.tags !== undefined && readPreference.tags.length > 0) doc.tags = readPreference.tags;
  if (readPreference.maxStalenessSeconds !== undefined && readPreference.maxStalenessSeconds > 0) {
    doc.maxStalenessSeconds = readPreference.maxStalenessSeconds;
  }
  if (readPreference.hedge !== undefined) doc.hedge = readPreference.hedge;
  return doc;
}

/** The `readConcern` field, or undefined for the server default ({}). */
export function readConcernDocument(readConcern: ReadConcernLike | undefined): Document | undefined {
  if (readConcern === undefined || readConcern.level === undefined) return undefined;
  return { level: readConcern.level };
}

/** The `writeConcern` field, or undefined for the server default. */
export function writeConcernDocument(writeConcern: WriteConcernLike | undefined): Document | undefined {
  if (writeConcern === undefined) return undefined;
  const doc: Document = {};
  if (writeConcern.w !== undefined) doc.w = writeConcern.w;
  const journal = writeConcern.journal ?? writeConcern.j;
  if (journal !== undefined) doc.j = journal;
  const wtimeout = writeConcern.wtimeoutMS ?? writeConcern.wtimeout;
  if (wtimeout !== undefined) doc.wtimeout = wtimeout;
  return Object.keys(doc).length === 0 ? undefined : doc;
}

/**
 * `{ w: 0 }` without journaling: the server sends no acknowledgement we may rely on.
 * `w` may be a number or a BSON numeric wrapper (Int32/Double), which Number() reads.
 */
export function isUnacknowledged(writeConcernDoc: unknown): boolean {
  if (typeof writeConcernDoc !== 'object' || writeConcernDoc === null) return false;
  const { w, j } = writeConcernDoc as Document;
  const unacknowledgedW = typeof w === 'number' ? w === 0 : typeof w === 'object' && w !== null && Number(w) === 0;
  return unacknowledgedW && j !== true;
}
