// Argument and result conversion between the unified format and the official driver.
import { ReadPreference, type BulkWriteResult, type ClientSession } from 'mongodb';
import type { Document } from '../../../src/bson.js';
import { InvalidArgumentsError, type OperationArgs } from '../adapter.js';
import { isDocument } from '../bson-values.js';

/** Implemented by the official adapter's session handle: the driver session inside it. */
export interface HasDriverSession {
  readonly driverSession: ClientSession;
}

function driverSession(value: unknown): ClientSession | undefined {
  if (typeof value === 'object' && value !== null && 'driverSession' in value) return (value as HasDriverSession).driverSession;
  return undefined;
}

export function toReadPreference(value: unknown): ReadPreference | undefined {
  if (!isDocument(value)) return undefined;
  const { mode, tagSets, maxStalenessSeconds, hedge } = value as { mode: string; tagSets?: Document[]; maxStalenessSeconds?: number; hedge?: Document };
  const options: Document = {};
  if (maxStalenessSeconds !== undefined) options.maxStalenessSeconds = maxStalenessSeconds;
  if (hedge !== undefined) options.hedge = hedge;
  return new ReadPreference(mode as 'primary', tagSets, options);
}

/** The operation's options: every argument except the positional ones, with session and readPreference converted. */
export function optionsOf(args: OperationArgs, positional: readonly string[] = []): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(args)) {
    if (positional.includes(key)) continue;
    if (key === 'session') out.session = driverSession(value);
    else if (key === 'readPreference') out.readPreference = toReadPreference(value);
    else if (key === 'returnDocument') {
      const v = String(value).toLowerCase();
      if (v !== 'before' && v !== 'after') throw new InvalidArgumentsError('returnDocument', `must be "Before" or "After", got ${String(value)}`);
      out.returnDocument = v;
    } else out[key] = value;
  }
  return out;
}

/** Collection/database options (readConcern, writeConcern, readPreference, timeoutMS). */
export function handleOptions(options: Document | undefined): Document {
  if (!options) return {};
  const out: Document = { ...options };
  if (options.readPreference !== undefined) out.readPreference = toReadPreference(options.readPreference);
  return out;
}

export function required<T = unknown>(args: OperationArgs, key: string, operation: string): T {
  if (!(key in args)) throw new InvalidArgumentsError(operation, `missing required argument "${key}"`);
  return args[key] as T;
}

export function bulkWriteResultDoc(result: BulkWriteResult): Document {
  return {
    insertedCount: result.insertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
    upsertedCount: result.upsertedCount,
    upsertedIds: { ...result.upsertedIds },
    insertedIds: { ...result.insertedIds },
  };
}

/** The fields the CRUD spec defines for each per-operation result (the driver adds others, e.g. didUpsert). */
const RESULT_FIELDS: Record<string, readonly string[]> = {
  insertResults: ['insertedId'],
  updateResults: ['matchedCount', 'modifiedCount', 'upsertedId'],
  deleteResults: ['deletedCount'],
};

function mapToDoc(value: unknown, fields: readonly string[]): Document | undefined {
  if (!(value instanceof Map)) return undefined;
  const out: Document = {};
  for (const [k, v] of value) {
    const entry: Document = {};
    for (const f of fields) if (isDocument(v) && v[f] !== undefined && v[f] !== null) entry[f] = v[f];
    out[String(k)] = entry;
  }
  return out;
}

/** ClientBulkWriteResult (Maps of per-index results) as a plain document. */
export function clientBulkWriteResultDoc(result: unknown): Document | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const r = result as Document;
  const out: Document = {};
  for (const key of ['acknowledged', 'insertedCount', 'upsertedCount', 'matchedCount', 'modifiedCount', 'deletedCount']) {
    if (r[key] !== undefined) out[key] = r[key];
  }
  for (const key of ['insertResults', 'updateResults', 'deleteResults']) {
    const doc = mapToDoc(r[key], RESULT_FIELDS[key]);
    if (doc !== undefined) out[key] = doc;
  }
  return out;
}

/** Spec write model `{ insertOne: { … } }` → driver model `{ name: 'insertOne', … }`. */
export function clientWriteModel(model: unknown): Document {
  if (!isDocument(model) || Object.keys(model).length !== 1) throw new TypeError('clientBulkWrite: each model must have exactly one key');
  const [name, body] = Object.entries(model)[0];
  return { name, ...(body as Document) };
}

/** Drops fields the driver sets to null/undefined that the spec treats as unset. */
export function plainResult(result: unknown): unknown {
  if (!isDocument(result)) return result;
  const out: Document = {};
  for (const [k, v] of Object.entries(result)) if (v !== undefined && !(k === 'upsertedId' && v === null)) out[k] = v;
  return out;
}
