// Which members an operation may read from (server-selection spec, "Read preference").
// A value object: validated once at construction, then immutable.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';

export const READ_PREFERENCE_MODES = ['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'] as const;
export type ReadPreferenceMode = (typeof READ_PREFERENCE_MODES)[number];

/** One tag set: every pair must match a server's tags. `{}` matches any server. */
export type TagSet = Readonly<Record<string, string>>;

export interface ReadPreferenceOptions {
  tags?: readonly TagSet[];
  /** -1 or undefined means "no maximum". */
  maxStalenessSeconds?: number;
  /** Deprecated by the spec; sent only when given. */
  hedge?: Document;
}

/** Smallest allowed maxStalenessSeconds (max-staleness spec). */
export const SMALLEST_MAX_STALENESS_SECONDS = 90;
/** How often an idle primary writes a no-op to the oplog (max-staleness spec). */
export const IDLE_WRITE_PERIOD_MS = 10_000;

export function isReadPreferenceMode(value: unknown): value is ReadPreferenceMode {
  return typeof value === 'string' && (READ_PREFERENCE_MODES as readonly string[]).includes(value);
}

export class ReadPreference {
  readonly mode: ReadPreferenceMode;
  readonly tags: readonly TagSet[];
  readonly maxStalenessSeconds: number | undefined;
  readonly hedge: Document | undefined;

  constructor(mode: ReadPreferenceMode, options: ReadPreferenceOptions = {}) {
    if (!isReadPreferenceMode(mode)) {
      throw new MongoInvalidArgumentError(`invalid read preference mode ${JSON.stringify(mode)}; expected one of ${READ_PREFERENCE_MODES.join(', ')}`);
    }
    const tags = validateTags(options.tags);
    const maxStalenessSeconds = validateMaxStaleness(options.maxStalenessSeconds);
    const hedge = options.hedge;
    if (hedge !== undefined && (typeof hedge !== 'object' || hedge === null || Array.isArray(hedge))) {
      throw new MongoInvalidArgumentError('invalid read preference hedge: expected a document');
    }
    if (mode === 'primary') {
      // The spec forbids anything that could select a non-primary with mode primary.
      if (tags.some((set) => Object.keys(set).length > 0)) {
        throw new MongoInvalidArgumentError('read preference mode primary cannot be combined with tag sets');
      }
      if (maxStalenessSeconds !== undefined) {
        throw new MongoInvalidArgumentError('read preference mode primary cannot be combined with maxStalenessSeconds');
      }
      if (hedge !== undefined) throw new MongoInvalidArgumentError('read preference mode primary cannot be combined with hedge');
    }
    this.mode = mode;
    this.tags = Object.freeze(tags.map((set) => Object.freeze({ ...set })));
    this.maxStalenessSeconds = maxStalenessSeconds;
    this.hedge = hedge === undefined ? undefined : Object.freeze({ ...hedge });
    Object.freeze(this);
  }

  static readonly primary = new ReadPreference('primary');
  static readonly primaryPreferred = new ReadPreference('primaryPreferred');
  static readonly secondary = new ReadPreference('secondary');
  static readonly secondaryPreferred = new ReadPreference('secondaryPreferred');
  static readonly nearest = new ReadPreference('nearest');

  /** Accepts a ReadPreference, a mode string, or a document { mode, tags | tag_sets, maxStalenessSeconds, hedge }. */
  static from(value: unknown): ReadPreference {
    if (value instanceof ReadPreference) return value;
    if (typeof value === 'string') {
      if (!isReadPreferenceMode(value)) {
        throw new MongoInvalidArgumentError(`invalid read preference mode ${JSON.stringify(value)}; expected one of ${READ_PREFERENCE_MODES.join(', ')}`);
      }
      return new ReadPreference(value);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const doc = value as Record<string, unknown>;
      const mode = doc.mode;
      if (!isReadPreferenceMode(mode)) {
        throw new MongoInvalidArgumentError(`invalid read preference mode ${JSON.stringify(mode)}; expected one of ${READ_PREFERENCE_MODES.join(', ')}`);
      }
      const rawTags = doc.tags ?? doc.tagSets ?? doc.tag_sets;
      const options: ReadPreferenceOptions = {};
      if (rawTags !== undefined) options.tags = rawTags as readonly TagSet[];
      if (doc.maxStalenessSeconds !== undefined) options.maxStalenessSeconds = doc.maxStalenessSeconds as number;
      if (doc.hedge !== undefined) options.hedge = doc.hedge as Document;
      return new ReadPreference(mode, options);
    }
    throw new MongoInvalidArgumentError(`invalid read preference: expected a mode string or a document, got ${typeof value}`);
  }

  /** True when the operation may run on a secondary (every mode but primary). */
  get secondaryOk(): boolean {
    return this.mode !== 'primary';
  }

  /** The `$readPreference` document form. */
  toDocument(): Document {
    const doc: Document = { mode: this.mode };
    if (this.tags.length > 0) doc.tags = this.tags.map((set) => ({ ...set }));
    if (this.maxStalenessSeconds !== undefined) doc.maxStalenessSeconds = this.maxStalenessSeconds;
    if (this.hedge !== undefined) doc.hedge = { ...this.hedge };
    return doc;
  }

  equals(other: ReadPreference): boolean {
    return (
      this.mode === other.mode &&
      this.maxStalenessSeconds === other.maxStalenessSeconds &&
      JSON.stringify(this.tags) === JSON.stringify(other.tags) &&
      JSON.stringify(this.hedge) === JSON.stringify(other.hedge)
    );
  }
}

/**
 * The check the spec makes at selection time against a replica set:
 * maxStalenessSeconds must be at least 90 and at least (heartbeatFrequencyMS + idleWritePeriodMS) / 1000.
 * Returns the reason it is too small, or undefined when it is acceptable (or unset).
 */
export function maxStalenessTooSmallReason(readPreference: ReadPreference, heartbeatFrequencyMS: number): string | undefined {
  const seconds = readPreference.maxStalenessSeconds;
  if (seconds === undefined) return undefined;
  const minimum = Math.max(SMALLEST_MAX_STALENESS_SECONDS, (heartbeatFrequencyMS + IDLE_WRITE_PERIOD_MS) / 1000);
  if (seconds < minimum) {
    return `maxStalenessSeconds ${seconds} is less than the minimum ${minimum} (max of ${SMALLEST_MAX_STALENESS_SECONDS} and (heartbeatFrequencyMS ${heartbeatFrequencyMS} + idleWritePeriodMS ${IDLE_WRITE_PERIOD_MS}) / 1000)`;
  }
  return undefined;
}

function validateTags(tags: readonly TagSet[] | undefined): readonly TagSet[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw new MongoInvalidArgumentError('invalid read preference tags: expected an array of tag sets');
  for (const set of tags) {
    if (typeof set !== 'object' || set === null || Array.isArray(set)) {
      throw new MongoInvalidArgumentError('invalid read preference tags: each tag set must be a document of string values');
    }
    for (const [key, value] of Object.entries(set as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        throw new MongoInvalidArgumentError(`invalid read preference tag ${JSON.stringify(key)}: expected a string value, got ${typeof value}`);
      }
    }
  }
  return tags;
}

function validateMaxStaleness(value: number | undefined): number | undefined {
  if (value === undefined || value === -1) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MongoInvalidArgumentError(`invalid maxStalenessSeconds ${String(value)}: expected -1 (no maximum) or a non-negative integer`);
  }
  return value;
}
