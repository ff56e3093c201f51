// Single-statement writes (insertOne, updateOne/updateMany/replaceOne, deleteOne/deleteMany):
// each builds one insert/update/delete command with its statement inline (one serialize).
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError, MongoWriteError } from '../../errors.js';
import { isUnacknowledged } from '../concerns.js';
import { BaseOperation, WRITE, WRITE_NOT_RETRYABLE, setIfDefined, type OperationCapabilities, type OperationInheritance } from './operation.js';

export interface InsertOneResult {
  acknowledged: boolean;
  insertedId: unknown;
}

export interface UpdateResult {
  acknowledged: boolean;
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
  upsertedId: unknown;
}

export interface DeleteResult {
  acknowledged: boolean;
  deletedCount: number;
}

export interface WriteCommandOptions {
  comment?: unknown;
  bypassDocumentValidation?: boolean;
  let?: Document;
  session?: unknown;
}

export interface UpdateStatementOptions extends WriteCommandOptions {
  upsert?: boolean;
  arrayFilters?: Document[];
  collation?: Document;
  hint?: Document | string;
  sort?: Document;
}

export interface DeleteStatementOptions extends WriteCommandOptions {
  collation?: Document;
  hint?: Document | string;
}

/** Raises the first write error of a single-statement write. */
export function throwOnWriteErrors(reply: Document): void {
  const writeErrors = reply.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) throw new MongoWriteError(writeErrors[0] as Document, reply);
}

function appendWriteOptions(body: Document, options: WriteCommandOptions | undefined): void {
  if (options === undefined) return;
  setIfDefined(body, 'bypassDocumentValidation', options.bypassDocumentValidation);
  setIfDefined(body, 'comment', options.comment);
  setIfDefined(body, 'let', options.let);
}

/** Where each single-statement write command carries its statement list. */
const STATEMENT_LIST = { insert: 'documents', update: 'updates', delete: 'deletes' } as const;

type SingleWriteCommand = keyof typeof STATEMENT_LIST;

/**
 * insert/update/delete with one statement inline: { <command>: collection, <list>: [statement],
 * ordered: true, ...write options }; a write error in the reply is raised before the result is read.
 */
abstract class SingleStatementWrite<TResult> extends BaseOperation<TResult> {
  constructor(
    readonly commandName: SingleWriteCommand,
    capabilities: OperationCapabilities,
    dbName: string,
    readonly collectionName: string,
    readonly statement: Document,
    readonly options: WriteCommandOptions | undefined,
    inherited: OperationInheritance,
  ) {
    super(dbName, capabilities, inherited);
  }

  buildCommand(): Document {
    const body: Document = { [this.commandName]: this.collectionName, [STATEMENT_LIST[this.commandName]]: [this.statement], ordered: true };
    appendWriteOptions(body, this.options);
    return body;
  }

  handleReply(reply: Document): TResult {
    // An unacknowledged write reports nothing back, write errors included: it is sent with
    // moreToCome and reads { ok: 1 } in place of a reply.
    const acknowledged = !isUnacknowledged(this.writeConcern);
    if (acknowledged) throwOnWriteErrors(reply);
    return this.readResult(reply, acknowledged);
  }

  protected abstract readResult(reply: Document, acknowledged: boolean): TResult;
}

/** insertOne: the statement is the document itself. */
export class InsertOneOperation extends SingleStatementWrite<InsertOneResult> {
  constructor(dbName: string, collectionName: string, document: Document, options: WriteCommandOptions | undefined, inherited: OperationInheritance) {
    super('insert', WRITE, dbName, collectionName, document, options, inherited);
  }

  protected readResult(_reply: Document, acknowledged: boolean): InsertOneResult {
    return { acknowledged, insertedId: this.statement._id };
  }
}

/** Update documents must consist of $-operators (or be a pipeline); replacements must not. */
export function validateUpdate(update: unknown, what: 'update' | 'replacement'): void {
  if (what === 'update') {
    if (Array.isArray(update)) {
      if (update.length === 0) throw new MongoInvalidArgumentError('update pipeline must not be empty');
      return;
    }
    if (typeof update !== 'object' || update === null) throw new MongoInvalidArgumentError('update must be a document or a pipeline');
    const keys = Object.keys(update);
    if (keys.length === 0) throw new MongoInvalidArgumentError('update document must not be empty');
    for (const key of keys) {
      if (!key.startsWith('$')) throw new MongoInvalidArgumentError(`update document must contain only atomic operators; '${key}' is not one`);
    }
    return;
  }
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new MongoInvalidArgumentError('replacement must be a document');
  }
  for (const key of Object.keys(update)) {
    if (key.startsWith('$')) throw new MongoInvalidArgumentError(`replacement document must not contain atomic operators; found '${key}'`);
  }
}

/** The statement of an update command: { q, u, upsert?, multi?, arrayFilters?, collation?, hint?, sort? }. */
export function updateStatement(filter: Document, update: Document | Document[], multi: boolean, options: UpdateStatementOptions | undefined): Document {
  const statement: Document = { q: filter, u: update };
  if (options !== undefined) {
    if (options.upsert === true) statement.upsert = true;
    setIfDefined(statement, 'arrayFilters', options.arrayFilters);
    setIfDefined(statement, 'collation', options.collation);
    setIfDefined(statement, 'hint', options.hint);
    setIfDefined(statement, 'sort', options.sort);
  }
  if (multi) statement.multi = true;
  return statement;
}

/** The statement of a delete command: { q, limit, collation?, hint? }. */
export function deleteStatement(filter: Document, many: boolean, options: DeleteStatementOptions | undefined): Document {
  const statement: Document = { q: filter, limit: many ? 0 : 1 };
  if (options !== undefined) {
    setIfDefined(statement, 'collation', options.collation);
    setIfDefined(statement, 'hint', options.hint);
  }
  return statement;
}

export class UpdateOperation extends SingleStatementWrite<UpdateResult> {
  constructor(dbName: string, collectionName: string, statement: Document, options: WriteCommandOptions | undefined, inherited: OperationInheritance) {
    super('update', statement.multi === true ? WRITE_NOT_RETRYABLE : WRITE, dbName, collectionName, statement, options, inherited);
  }

  protected readResult(reply: Document, acknowledged: boolean): UpdateResult {
    const n = typeof reply.n === 'number' ? reply.n : 0;
    const upserted = Array.isArray(reply.upserted) ? (reply.upserted as Document[]) : [];
    const upsertedId = upserted.length > 0 ? upserted[0]._id : null;
    return {
      acknowledged,
      matchedCount: n - upserted.length,
      modifiedCount: typeof reply.nModified === 'number' ? reply.nModified : 0,
      upsertedCount: upserted.length,
      upsertedId,
    };
  }
}

export class DeleteOperation extends SingleStatementWrite<DeleteResult> {
  constructor(dbName: string, collectionName: string, statement: Document, options: WriteCommandOptions | undefined, inherited: OperationInheritance) {
    super('delete', statement.limit === 0 ? WRITE_NOT_RETRYABLE : WRITE, dbName, collectionName, statement, options, inherited);
  }

  protected readResult(reply: Document, acknowledged: boolean): DeleteResult {
    return { acknowledged, deletedCount: typeof reply.n === 'number' ? reply.n : 0 };
  }
}
