// The read concern a client, database, collection or operation asks for.
// Unknown levels are allowed on purpose: the server validates them (forward compatibility).
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';

export type KnownReadConcernLevel = 'local' | 'majority' | 'linearizable' | 'available' | 'snapshot';
export type ReadConcernLevel = KnownReadConcernLevel | (string & {});

export class ReadConcern {
  readonly level: ReadConcernLevel | undefined;

  constructor(level?: ReadConcernLevel) {
    if (level !== undefined && (typeof level !== 'string' || level.length === 0)) {
      throw new MongoInvalidArgumentError(`invalid read concern level: expected a non-empty string, got ${JSON.stringify(level)}`);
    }
    this.level = level;
    Object.freeze(this);
  }

  /** `{}` is the server's default and is not the same as `{ level: 'local' }`. */
  get isServerDefault(): boolean {
    return this.level === undefined;
  }

  /** The `readConcern` field as the server expects it. */
  toDocument(): Document {
    return this.level === undefined ? {} : { level: this.level };
  }

  static fromDocument(doc: Document): ReadConcern {
    const level: unknown = doc.level;
    if (level !== undefined && typeof level !== 'string') {
      throw new MongoInvalidArgumentError(`invalid read concern level: expected a string, got ${typeof level}`);
    }
    return new ReadConcern(level);
  }

  static readonly serverDefault = new ReadConcern();
}
