// The write concern a client, database, collection or operation asks for,
// and the document form the server receives (read-write-concern spec).
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';

export type WriteConcernW = number | string;

export interface WriteConcernOptions {
  w?: WriteConcernW;
  journal?: boolean;
  /** Deprecated in favour of timeoutMS, still sent as `wtimeout`. */
  wtimeoutMS?: number;
}

/** Immutable; invalid combinations are rejected at construction. */
export class WriteConcern {
  readonly w: WriteConcernW | undefined;
  readonly journal: boolean | undefined;
  readonly wtimeoutMS: number | undefined;

  constructor(options: WriteConcernOptions = {}) {
    const { w, journal, wtimeoutMS } = options;
    if (w !== undefined) {
      if (typeof w === 'number') {
        if (!Number.isInteger(w) || w < 0) throw new MongoInvalidArgumentError(`invalid write concern w: ${w} (a number must be an integer >= 0)`);
      } else if (typeof w !== 'string') {
        throw new MongoInvalidArgumentError(`invalid write concern w: expected a non-negative integer or a string, got ${typeof w}`);
      }
    }
    if (journal !== undefined && typeof journal !== 'boolean') {
      throw new MongoInvalidArgumentError(`invalid write concern journal: expected a boolean, got ${typeof journal}`);
    }
    if (wtimeoutMS !== undefined && (typeof wtimeoutMS !== 'number' || !Number.isSafeInteger(wtimeoutMS) || wtimeoutMS < 0)) {
      throw new MongoInvalidArgumentError(`invalid write concern wtimeoutMS: ${String(wtimeoutMS)} (must be an integer >= 0)`);
    }
    // The spec's one inconsistent combination: unacknowledged yet journaled.
    if (w === 0 && journal === true) {
      throw new MongoInvalidArgumentError('invalid write concern: w: 0 (unacknowledged) cannot be combined with journal: true');
    }
    this.w = w;
    this.journal = journal;
    this.wtimeoutMS = wtimeoutMS;
    Object.freeze(this);
  }

  /** The server's default: nothing specified, so nothing is sent. */
  get isServerDefault(): boolean {
    return this.w === undefined && this.journal === undefined && this.wtimeoutMS === undefined;
  }

  /** Unacknowledged means w: 0 without journal: true; the server then reports no errors. */
  get isAcknowledged(): boolean {
    return !(this.w === 0 && this.journal !== true);
  }

  /** The `writeConcern` field as the server expects it ({ w, j, wtimeout }). */
  toCommandDocument(): Document {
    const doc: Document = {};
    if (this.w !== undefined) doc.w = this.w;
    if (this.journal !== undefined) doc.j = this.journal;
    if (this.wtimeoutMS !== undefined) doc.wtimeout = this.wtimeoutMS;
    return doc;
  }

  /** Reads the server form ({ w, j, wtimeout }) or the API form ({ w, journal, wtimeoutMS }). */
  static fromDocument(doc: Document): WriteConcern {
    const w: unknown = doc.w;
    const journal: unknown = doc.journal ?? doc.j;
    const wtimeout: unknown = doc.wtimeoutMS ?? doc.wtimeout;
    const options: WriteConcernOptions = {};
    if (w !== undefined) {
      if (typeof w !== 'number' && typeof w !== 'string') throw new MongoInvalidArgumentError(`invalid write concern w: expected a number or a string, got ${typeof w}`);
      options.w = w;
    }
    if (journal !== undefined) {
      if (typeof journal !== 'boolean') throw new MongoInvalidArgumentError(`invalid write concern journal: expected a boolean, got ${typeof journal}`);
      options.journal = journal;
    }
    if (wtimeout !== undefined) options.wtimeoutMS = toNumber(wtimeout, 'wtimeoutMS');
    return new WriteConcern(options);
  }

  static readonly serverDefault = new WriteConcern();
}

/** Accepts JS numbers, bigints and BSON numeric wrappers (Int32, Long, Double). */
function toNumber(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object' && value !== null && 'valueOf' in value) {
    const primitive: unknown = value.valueOf();
    if (typeof primitive === 'number') return primitive;
    if (typeof primitive === 'bigint') return Number(primitive);
  }
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function') {
    const n: unknown = value.toNumber();
    if (typeof n === 'number') return n;
  }
  throw new MongoInvalidArgumentError(`invalid write concern ${name}: expected a number, got ${typeof value}`);
}
