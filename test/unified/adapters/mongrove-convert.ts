// Argument and result conversion between the unified format and mongrove's API.
import type { Document } from '../../../src/bson.js';
import type { ClientBulkWriteResult } from '../../../src/index.js';
import { InvalidArgumentsError, type OperationArgs } from '../adapter.js';
import { isDocument } from '../bson-values.js';
import { driverSession } from './mongrove-session.js';

/** A read preference as the unified format writes it, in mongrove's shape ({ mode, tags, … }). */
export function toReadPreference(value: unknown): Document | undefined {
  if (!isDocument(value)) return undefined;
  const out: Document = { mode: value.mode };
  if (value.tagSets !== undefined) out.tags = value.tagSets;
  if (value.maxStalenessSeconds !== undefined) out.maxStalenessSeconds = value.maxStalenessSeconds;
  if (value.hedge !== undefined) out.hedge = value.hedge;
  return out;
}

/** The operation's options: every argument except the positional ones, converted to mongrove's names and shapes. */
export function optionsOf(operation: string, args: OperationArgs, positional: readonly string[] = []): Document {
  const out: Document = {};
  for (const [key, value] of Object.entries(args)) {
    if (positional.includes(key)) continue;
    if (key === 'session') out.session = driverSession(operation, value);
    else if (key === 'readPreference') out.readPreference = toReadPreference(value);
    else if (key === 'returnDocument') {
      const v = String(value).toLowerCase();
      if (v !== 'before' && v !== 'after') throw new InvalidArgumentsError('returnDocument', `must be "Before" or "After", got ${String(value)}`);
      out.returnDocument = v;
    } else out[key] = value;
  }
  return out;
}

/** Database/collection options (readConcern, writeConcern, readPreference); timeoutMS is kept for the driver to judge. */
export function handleOptions(options: Document | undefined): Document | undefined {
  if (!options) return undefined;
  const out: Document = { ...options };
  if (options.readPreference !== undefined) out.readPreference = toReadPreference(options.readPreference);
  return out;
}

export function required<T = unknown>(args: OperationArgs, key: string, operation: string): T {
  if (!(key in args)) throw new InvalidArgumentsError(operation, `missing required argument "${key}"`);
  return args[key] as T;
}

/** Drops fields mongrove sets to null/undefined that the spec treats as unset (upsertedId: null). */
export function plainResult(result: unknown): unknown {
  if (!isDocument(result)) return result;
  const out: Document = {};
  for (const [k, v] of Object.entries(result)) if (v !== undefined && !(k === 'upsertedId' && v === null)) out[k] = v;
  return out;
}

function mapToDoc(value: unknown): Document | undefined {
  if (!(value instanceof Map)) return undefined;
  const out: Document = {};
  for (const [k, v] of value) out[String(k)] = plainResult(v);
  return out;
}

/** ClientBulkWriteResult (Maps of per-index results) as a plain document. */
export function clientBulkWriteResultDoc(result: ClientBulkWriteResult | undefined): Document | undefined {
  if (result === undefined) return undefined;
  const out: Document = {
    acknowledged: result.acknowledged,
    insertedCount: result.insertedCount,
    upsertedCount: result.upsertedCount,
    matchedCount: result.matchedCount,
    modifiedCount: result.modifiedCount,
    deletedCount: result.deletedCount,
  };
  // The spec's unverbose result has empty (not absent) result maps.
  out.insertResults = mapToDoc(result.insertResults) ?? {};
  out.updateResults = mapToDoc(result.updateResults) ?? {};
  out.deleteResults = mapToDoc(result.deleteResults) ?? {};
  return out;
}
