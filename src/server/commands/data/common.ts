// Shared parsing and query execution for the data commands.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { bsonTypeOf, isPlainDocument, toNumber } from '../../query/bson-types.js';
import { valuesEqual } from '../../query/compare.js';
import { collatorFor } from '../../query/collation.js';
import { equalityKeys, lookupCandidates } from '../../query/index-lookup.js';
import { compileFilter } from '../../query/matcher.js';
import { evaluateLetVariables } from '../../query/mingo-bridge.js';
import { sortDocuments } from '../../query/sort.js';
import { orderByNearDistance, usesNear } from '../../query/query-metadata.js';
import type { CollectionStore } from '../../storage/storage.js';
import type { CommandContext } from '../../types.js';

/** The collection name a command targets (the value of its first field). */
export function collectionName(command: Document, commandName: string): string {
  const value = command[commandName];
  if (typeof value !== 'string') {
    throw new CommandError(ErrorCodes.InvalidNamespace, `collection name has invalid type ${bsonTypeOf(value)}`);
  }
  if (value === '') throw new CommandError(ErrorCodes.InvalidNamespace, `Invalid namespace specified '${commandName}.'`);
  return value;
}

export function missingField(commandName: string, field: string): CommandError {
  return new CommandError(ErrorCodes.IDLFailedToParse, `BSON field '${commandName}.${field}' is missing but a required field`);
}

export function wrongType(commandName: string, field: string, value: unknown, expected: string): CommandError {
  return new CommandError(ErrorCodes.TypeMismatch, `BSON field '${commandName}.${field}' is the wrong type '${bsonTypeOf(value)}', expected type '${expected}'`);
}

/** A required array field: missing or of another type fails as mongod's command parser does. */
export function requiredArray(command: Document, commandName: string, field: string): unknown[] {
  const value: unknown = command[field];
  if (value === undefined) throw missingField(commandName, field);
  if (!Array.isArray(value)) throw wrongType(commandName, field, value, 'array');
  return value;
}

/** A write command's `ordered` (default true). */
export function isOrdered(command: Document): boolean {
  return command.ordered === undefined ? true : truthy(command.ordered);
}

export function optionalDocument(command: Document, commandName: string, field: string): Document | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainDocument(value)) throw wrongType(commandName, field, value, 'object');
  return value;
}

export function optionalNumber(command: Document, commandName: string, field: string): number | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  const t = bsonTypeOf(value);
  if (t !== 'int' && t !== 'long' && t !== 'double' && t !== 'decimal') throw wrongType(commandName, field, value, 'long');
  return toNumber(value);
}

export function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  const t = bsonTypeOf(value);
  if (t === 'int' || t === 'long' || t === 'double' || t === 'decimal') return toNumber(value) !== 0;
  return true;
}

/** The command's `let` variables, each evaluated once as an expression. */
export function letVariables(command: Document, commandName: string): Document | undefined {
  return evaluateLetVariables(optionalDocument(command, commandName, 'let'));
}

/** Checks that a hint names an existing index (BadValue otherwise). */
export function checkHint(collection: CollectionStore | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || !collection) return;
  if (typeof hint === 'string') {
    if (hint === '' ) return;
    if (collection.findIndex(hint)) return;
  } else if (isPlainDocument(hint)) {
    if (Object.keys(hint).length === 0) return;
    if ('$natural' in hint) return;
    if (collection.indexes().some((ix) => valuesEqual(ix.key, hint))) return;
  }
  throw new CommandError(ErrorCodes.BadValue, 'hint provided does not correspond to an existing index');
}

export interface SelectOptions {
  sort?: unknown;
  skip?: number;
  limit?: number;
  variables?: Document;
  /** The statement's collation document (default: the collection's). */
  collation?: unknown;
}

/** Records matching `filter`, sorted, skipped and limited (stored objects: do not leak). */
export function selectRecords(collection: CollectionStore | undefined, filter: Document | undefined, options: SelectOptions = {}): Array<[number, Document]> {
  if (!collection) return [];
  const collation = options.collation ?? collection.options.collation;
  const test = compileFilter(filter, { variables: options.variables, collation, indexes: collection.indexes() });
  let entries = candidateEntries(collection, filter, collation).filter(([, doc]) => test(doc));
  // $near/$nearSphere return the closest documents first (unless the statement sorts).
  if ((options.sort === undefined || options.sort === null) && usesNear(filter)) entries = orderByNearDistance(entries, ([, doc]) => doc);
  if (options.sort !== undefined && options.sort !== null) {
    const wrapped = entries.map(([rid, doc]) => ({ rid, doc }));
    const byDoc = new Map(wrapped.map((w) => [w.doc, w.rid]));
    entries = sortDocuments(wrapped.map((w) => w.doc), options.sort, collation).map((doc) => [byDoc.get(doc) ?? 0, doc]);
  }
  const skip = options.skip ?? 0;
  if (skip > 0) entries = entries.slice(skip);
  if (options.limit !== undefined && options.limit > 0) entries = entries.slice(0, options.limit);
  return entries;
}

/**
 * The records an index narrows `filter` to (natural order), else every record.
 * Index keys compare strings binarily, so a non-simple collation always scans.
 */
function candidateEntries(collection: CollectionStore, filter: Document | undefined, collation: unknown): Array<[number, Document]> {
  if (collatorFor(collation) === undefined) {
    for (const field of lookupCandidates(filter)) {
      const keys = equalityKeys(filter, field);
      const recordIds = keys === undefined ? undefined : collection.lookup(field, keys);
      if (recordIds !== undefined) return collection.entriesOf(recordIds);
    }
  }
  return collection.entries();
}

export function namespace(context: CommandContext, coll: string): string {
  return `${context.dbName}.${coll}`;
}

/** A write error entry as mongod reports it inside writeErrors. */
export function writeErrorEntry(index: number, error: unknown): Document {
  return { index, ...errorFields(error) };
}

/** `{ code, errmsg, …extra }` of a failed statement (write errors, bulkWrite cursor entries). */
export function errorFields(error: unknown): Document {
  if (error instanceof CommandError) return { code: error.code, errmsg: error.message, ...error.extra };
  return { code: ErrorCodes.InternalError, errmsg: error instanceof Error ? error.message : String(error) };
}

export function cursorOptions(command: Document, context: CommandContext, ns: string): { ns: string; connectionId: number; lsid?: Document; comment?: unknown } {
  return {
    ns,
    connectionId: context.connection.id,
    ...(isPlainDocument(command.lsid) ? { lsid: command.lsid } : {}),
    ...(command.comment !== undefined ? { comment: command.comment } : {}),
  };
}
