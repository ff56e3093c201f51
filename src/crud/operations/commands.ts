// The commands with a fixed body and a one-line reply reader: counts, distinct,
// indexes, collection and database DDL, enumeration, runCommand.
import type { TimeoutMode } from '../csot.js';
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { readCursorResponse, type CursorResponse } from './cursor-response.js';
import { ADMIN_READ, CURSOR_COMMAND, DDL, READ, RUN_COMMAND, RUN_CURSOR_COMMAND, setIfDefined, type OperationInheritance } from './operation.js';
import { SimpleCommandOperation } from './simple-command.js';

const firstBatch = (reply: Document): CursorResponse => readCursorResponse(reply, 'firstBatch');
const acknowledge = (): true => true;

export interface CountOptions {
  maxTimeMS?: number;
  comment?: unknown;
  session?: unknown;
}

/** estimatedDocumentCount: the count command with no filter. */
export function estimatedCount(db: string, collection: string, options: CountOptions | undefined, inherited: OperationInheritance): SimpleCommandOperation<number> {
  const body: Document = { count: collection };
  setIfDefined(body, 'maxTimeMS', options?.maxTimeMS);
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation(db, READ, body, (reply) => (typeof reply.n === 'number' ? reply.n : 0), inherited);
}

export interface DistinctOptions {
  collation?: Document;
  comment?: unknown;
  maxTimeMS?: number;
  hint?: Document | string;
  session?: unknown;
}

export function distinct(db: string, collection: string, key: string, filter: Document, options: DistinctOptions | undefined, inherited: OperationInheritance): SimpleCommandOperation<unknown[]> {
  if (typeof key !== 'string') throw new MongoInvalidArgumentError('distinct key must be a string');
  const body: Document = { distinct: collection, key, query: filter };
  setIfDefined(body, 'collation', options?.collation);
  setIfDefined(body, 'comment', options?.comment);
  setIfDefined(body, 'maxTimeMS', options?.maxTimeMS);
  setIfDefined(body, 'hint', options?.hint);
  return new SimpleCommandOperation(db, READ, body, (reply) => (Array.isArray(reply.values) ? reply.values : []), inherited);
}

/** The default index name: key names and directions joined by underscores ("a_1_b_-1"). */
export function defaultIndexName(key: Document): string {
  const parts: string[] = [];
  for (const [field, direction] of Object.entries(key)) parts.push(`${field}_${String(direction)}`);
  return parts.join('_');
}

export interface IndexDescription extends Document {
  key: Document;
  name?: string;
}

export interface CreateIndexesOptions {
  commitQuorum?: number | string;
  comment?: unknown;
  maxTimeMS?: number;
  session?: unknown;
}

export function createIndexes(db: string, collection: string, indexes: IndexDescription[], options: CreateIndexesOptions | undefined, inherited: OperationInheritance): SimpleCommandOperation<string[]> {
  if (!Array.isArray(indexes) || indexes.length === 0) throw new MongoInvalidArgumentError('createIndexes needs at least one index description');
  const specs = indexes.map((index) => {
    if (typeof index !== 'object' || index === null || typeof index.key !== 'object' || index.key === null) {
      throw new MongoInvalidArgumentError("each index description needs a 'key' document");
    }
    return index.name === undefined ? { ...index, name: defaultIndexName(index.key) } : index;
  });
  const body: Document = { createIndexes: collection, indexes: specs };
  setIfDefined(body, 'commitQuorum', options?.commitQuorum);
  setIfDefined(body, 'comment', options?.comment);
  setIfDefined(body, 'maxTimeMS', options?.maxTimeMS);
  const names = specs.map((s) => String(s.name));
  return new SimpleCommandOperation(db, DDL, body, () => names, inherited);
}

export function listIndexes(db: string, collection: string, options: { batchSize?: number; comment?: unknown } | undefined, inherited: OperationInheritance): SimpleCommandOperation<CursorResponse> {
  const body: Document = { listIndexes: collection, cursor: options?.batchSize !== undefined ? { batchSize: options.batchSize } : {} };
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation(db, CURSOR_COMMAND, body, firstBatch, inherited);
}

export function dropIndexes(db: string, collection: string, index: string | Document | string[], options: { comment?: unknown; maxTimeMS?: number } | undefined, inherited: OperationInheritance): SimpleCommandOperation<Document> {
  const body: Document = { dropIndexes: collection, index };
  setIfDefined(body, 'comment', options?.comment);
  setIfDefined(body, 'maxTimeMS', options?.maxTimeMS);
  return new SimpleCommandOperation(db, DDL, body, (reply) => reply, inherited);
}

export function createCollection(db: string, name: string, options: Document | undefined, inherited: OperationInheritance): SimpleCommandOperation<true> {
  const body: Document = { create: name };
  if (options !== undefined) {
    for (const [key, value] of Object.entries(options)) {
      if (key !== 'session' && key !== 'writeConcern' && key !== 'readPreference' && key !== 'timeoutMS' && value !== undefined) body[key] = value;
    }
  }
  return new SimpleCommandOperation(db, DDL, body, acknowledge, inherited);
}

export function dropCollection(db: string, name: string, options: { comment?: unknown } | undefined, inherited: OperationInheritance): SimpleCommandOperation<true> {
  const body: Document = { drop: name };
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation(db, DDL, body, acknowledge, inherited);
}

export function dropDatabase(db: string, options: { comment?: unknown } | undefined, inherited: OperationInheritance): SimpleCommandOperation<true> {
  const body: Document = { dropDatabase: 1 };
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation(db, DDL, body, acknowledge, inherited);
}

export function renameCollection(fromNs: string, toNs: string, options: { dropTarget?: boolean; comment?: unknown } | undefined, inherited: OperationInheritance): SimpleCommandOperation<true> {
  const body: Document = { renameCollection: fromNs, to: toNs };
  setIfDefined(body, 'dropTarget', options?.dropTarget);
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation('admin', DDL, body, acknowledge, inherited);
}

export interface ListCollectionsOptions {
  nameOnly?: boolean;
  authorizedCollections?: boolean;
  batchSize?: number;
  comment?: unknown;
  session?: unknown;
  /** CSOT: how timeoutMS applies to the cursor. */
  timeoutMode?: TimeoutMode;
}

export function listCollections(db: string, filter: Document, options: ListCollectionsOptions | undefined, inherited: OperationInheritance): SimpleCommandOperation<CursorResponse> {
  const body: Document = { listCollections: 1, filter, cursor: options?.batchSize !== undefined ? { batchSize: options.batchSize } : {} };
  setIfDefined(body, 'nameOnly', options?.nameOnly);
  setIfDefined(body, 'authorizedCollections', options?.authorizedCollections);
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation(db, CURSOR_COMMAND, body, firstBatch, inherited);
}

export interface ListDatabasesOptions {
  filter?: Document;
  nameOnly?: boolean;
  authorizedDatabases?: boolean;
  comment?: unknown;
  session?: unknown;
}

export interface ListDatabasesResult {
  databases: Array<{ name: string; sizeOnDisk?: number; empty?: boolean } & Document>;
  totalSize?: number;
  totalSizeMb?: number;
  ok: number;
}

export function listDatabases(options: ListDatabasesOptions | undefined, inherited: OperationInheritance): SimpleCommandOperation<ListDatabasesResult> {
  const body: Document = { listDatabases: 1 };
  setIfDefined(body, 'filter', options?.filter);
  setIfDefined(body, 'nameOnly', options?.nameOnly);
  setIfDefined(body, 'authorizedDatabases', options?.authorizedDatabases);
  setIfDefined(body, 'comment', options?.comment);
  return new SimpleCommandOperation('admin', ADMIN_READ, body, (reply) => reply as ListDatabasesResult, inherited);
}

/** runCommand (run-command spec): the user's body as given; only $readPreference (when given) and session fields are added. */
export function runCommand(db: string, command: Document, inherited: OperationInheritance): SimpleCommandOperation<Document> {
  if (typeof command !== 'object' || command === null || Array.isArray(command) || Object.keys(command).length === 0) {
    throw new MongoInvalidArgumentError('runCommand needs a non-empty command document');
  }
  return new SimpleCommandOperation(db, RUN_COMMAND, command, (reply) => reply, {
    readPreference: inherited.readPreference,
    session: inherited.session,
    timeoutMS: inherited.timeoutMS,
    timeoutContext: inherited.timeoutContext,
  });
}

/** runCursorCommand (run-command spec): the user's cursor-opening command as given; its reply must be a cursor. */
export function runCursorCommand(db: string, command: Document, inherited: OperationInheritance): SimpleCommandOperation<CursorResponse> {
  if (typeof command !== 'object' || command === null || Array.isArray(command) || Object.keys(command).length === 0) {
    throw new MongoInvalidArgumentError('runCursorCommand needs a non-empty command document');
  }
  return new SimpleCommandOperation(db, RUN_CURSOR_COMMAND, command, firstBatch, {
    readPreference: inherited.readPreference,
    session: inherited.session,
    timeoutMS: inherited.timeoutMS,
    timeoutContext: inherited.timeoutContext,
  });
}
