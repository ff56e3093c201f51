// The TTL monitor, as mongod's: every ttlMonitorSleepSecs it deletes the documents whose
// TTL-indexed date (the earliest one, for an array) lies more than expireAfterSeconds in the
// past. Deletions go through CollectionStore.delete, so indexes stay consistent and change
// streams see ordinary delete events. Values that are not dates never expire.
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isNumeric, isPlainDocument, toNumber } from '../query/bson-types.js';
import { compileFilter } from '../query/matcher.js';
import { pathValuesForKeys } from '../query/paths.js';
import type { CollectionStore, IndexSpec, Storage } from './storage.js';

/** mongod's ttlMonitorSleepSecs default. */
export const DEFAULT_TTL_INTERVAL_MS = 60_000;
/** mongod refuses larger expireAfterSeconds (the maximum of a 32-bit int). */
const MAX_EXPIRE_AFTER_SECONDS = 2_147_483_647;

/** One TTL rule of a collection: the dated field, how long documents live, which ones it covers. */
interface TtlRule {
  readonly field: string;
  readonly expireAfterMs: number;
  readonly partialFilter?: Document;
}

function expireAfterMs(value: unknown): number | undefined {
  if (!isNumeric(value)) return undefined;
  const seconds = toNumber(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** The TTL rules a collection's indexes (and, clustered or timeseries, its options) define. */
function rulesOf(collection: CollectionStore): TtlRule[] {
  const options = collection.options;
  if (typeof options.viewOn === 'string') return [];
  const rules: TtlRule[] = [];
  const collectionTtl = expireAfterMs(options.expireAfterSeconds);
  if (collectionTtl !== undefined) {
    if (isPlainDocument(options.clusteredIndex)) rules.push({ field: '_id', expireAfterMs: collectionTtl });
    const timeField = isPlainDocument(options.timeseries) ? options.timeseries.timeField : undefined;
    if (typeof timeField === 'string') rules.push({ field: timeField, expireAfterMs: collectionTtl });
  }
  for (const spec of collection.indexes()) {
    const rule = indexRule(spec);
    if (rule !== undefined) rules.push(rule);
  }
  return rules;
}

function indexRule(spec: IndexSpec): TtlRule | undefined {
  const ms = expireAfterMs(spec.expireAfterSeconds);
  const fields = Object.keys(spec.key);
  const field = fields[0];
  if (ms === undefined || fields.length !== 1 || field === undefined || spec.clustered === true) return undefined;
  const partial = spec.partialFilterExpression;
  return { field, expireAfterMs: ms, ...(isPlainDocument(partial) ? { partialFilter: partial } : {}) };
}

/** The earliest date at `field` (arrays fanned out), or undefined when it holds none. */
function earliestDate(doc: Document, field: string): number | undefined {
  let earliest: number | undefined;
  for (const value of pathValuesForKeys(doc, field)) {
    if (bsonTypeOf(value) !== 'date') continue;
    const time = (value as Date).getTime();
    if (earliest === undefined || time < earliest) earliest = time;
  }
  return earliest;
}

/** Deletes the expired documents of one collection; returns how many. */
function expireCollection(collection: CollectionStore, now: number): number {
  let deleted = 0;
  for (const rule of rulesOf(collection)) {
    const covered = rule.partialFilter === undefined ? () => true : compileFilter(rule.partialFilter);
    const expired: number[] = [];
    for (const [rid, doc] of collection.entries()) {
      const date = earliestDate(doc, rule.field);
      if (date !== undefined && date + rule.expireAfterMs <= now && covered(doc)) expired.push(rid);
    }
    for (const rid of expired) if (collection.delete(rid)) deleted++;
  }
  return deleted;
}

/**
 * createIndexes' checks of expireAfterSeconds, as mongod 7/8: a non-negative number at most
 * 2^31-1, on a single-field index other than _id.
 */
export function validateTtlIndexSpec(spec: IndexSpec): void {
  const value = spec.expireAfterSeconds;
  if (value === undefined) return;
  if (!isNumeric(value)) throw new CommandError(ErrorCodes.CannotCreateIndex, `TTL index 'expireAfterSeconds' option must be numeric, but received a type of '${bsonTypeOf(value)}'. Index spec: ${JSON.stringify(spec)}`);
  const seconds = toNumber(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_EXPIRE_AFTER_SECONDS) {
    throw new CommandError(ErrorCodes.CannotCreateIndex, `TTL index 'expireAfterSeconds' option must be within an acceptable range, try a lower number. Index spec: ${JSON.stringify(spec)}`);
  }
  const fields = Object.keys(spec.key);
  if (fields.length !== 1) throw new CommandError(ErrorCodes.CannotCreateIndex, 'TTL indexes are single-field indexes, compound indexes do not support TTL. Index spec: ' + JSON.stringify(spec));
  if (fields[0] === '_id') throw new CommandError(ErrorCodes.InvalidIndexSpecificationOption, "The field 'expireAfterSeconds' is not valid for an _id index specification. Specification: " + JSON.stringify(spec));
}

export class TtlMonitor {
  private timer: NodeJS.Timeout | undefined;
  private intervalMs = DEFAULT_TTL_INTERVAL_MS;
  /** Passes completed (mongod's serverStatus metrics.ttl.passes). */
  passes = 0;
  /** Documents the monitor deleted (metrics.ttl.deletedDocuments). */
  deletedDocuments = 0;
  /** mongod's ttlMonitorEnabled: while false, passes delete nothing. */
  enabled = true;

  constructor(private readonly storage: Storage) {}

  get intervalMS(): number {
    return this.intervalMs;
  }

  /** Starts (or restarts, with a new period) the periodic passes; the timer never keeps the process alive. */
  start(intervalMs: number = this.intervalMs): void {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new MongoInvalidArgumentError(`TTL monitor interval must be a positive number of milliseconds, got ${String(intervalMs)}`);
    this.intervalMs = intervalMs;
    this.stop();
    this.timer = setInterval(() => this.runPass(), intervalMs);
    this.timer.unref();
  }

  /** Changes the period, restarting the timer only when it runs. */
  setInterval(intervalMs: number): void {
    if (this.timer === undefined) this.intervalMs = intervalMs;
    else this.start(intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass over every collection; returns how many documents it deleted. */
  runPass(now: number = Date.now()): number {
    if (!this.enabled) return 0;
    let deleted = 0;
    for (const dbName of this.storage.databaseNames()) {
      const db = this.storage.database(dbName);
      if (db === undefined) continue;
      for (const collection of [...db.collections.values()]) deleted += expireCollection(collection, now);
    }
    this.passes++;
    this.deletedDocuments += deleted;
    return deleted;
  }
}

const monitors = new WeakMap<Storage, TtlMonitor>();

/** The TTL monitor of an engine (one per Storage, shared by the members and routers over it). */
export function ttlMonitorOf(storage: Storage): TtlMonitor {
  let monitor = monitors.get(storage);
  if (monitor === undefined) {
    monitor = new TtlMonitor(storage);
    monitors.set(storage, monitor);
  }
  return monitor;
}
