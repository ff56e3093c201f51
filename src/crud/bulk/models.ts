// The operations of Collection.bulkWrite and how each becomes a serialized statement.
import { ObjectId } from '../../bson.js';
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { deleteStatement, updateStatement, validateUpdate } from '../operations/write.js';
import { MessageWriter } from '../../wire/writer.js';
import type { Statement, StatementKind } from './batches.js';

export interface UpdateModelOptions {
  upsert?: boolean;
  arrayFilters?: Document[];
  collation?: Document;
  hint?: Document | string;
  sort?: Document;
}

export type AnyBulkWriteOperation<T extends Document = Document> =
  | { insertOne: { document: T } }
  | { updateOne: { filter: Document; update: Document | Document[] } & UpdateModelOptions }
  | { updateMany: { filter: Document; update: Document | Document[] } & UpdateModelOptions }
  | { replaceOne: { filter: Document; replacement: T } & Omit<UpdateModelOptions, 'arrayFilters'> }
  | { deleteOne: { filter: Document; collation?: Document; hint?: Document | string } }
  | { deleteMany: { filter: Document; collation?: Document; hint?: Document | string } };

/** Gives the document an _id if it has none (the caller sees it, as insertedIds promise) and returns the id. */
export function ensureId(document: Document): unknown {
  if (document._id === undefined) document._id = new ObjectId();
  return document._id;
}

function requireFilter(filter: unknown, index: number, name: string): Document {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new MongoInvalidArgumentError(`operation ${index} (${name}) needs a filter document`);
  }
  return filter as Document;
}

/** bson's serialize default, which bulk statements have always used: undefined fields are left out. */
const STATEMENT_SETTINGS = { ignoreUndefined: true };
/** First guess at a statement's size; the scratch grows as needed. */
const TYPICAL_STATEMENT_BYTES = 256;

/**
 * Turns models into statements, validating each and serializing it once. All statements are
 * serialized back to back into one scratch buffer owned by this bulk write, and each statement's
 * bytes are a view into it (no buffer per statement, no copy out of bson's own buffer).
 * `insertedIds` receives each insert's _id by operation index.
 */
export function toStatements(models: readonly AnyBulkWriteOperation[], insertedIds: Record<number, unknown>): Statement[] {
  const count = models.length;
  const scratch = new MessageWriter(Math.min(Math.max(count * TYPICAL_STATEMENT_BYTES, 1024), 16 * 1024 * 1024));
  const kinds: StatementKind[] = new Array(count);
  const multis: boolean[] = new Array(count);
  const ends: number[] = new Array(count);
  const shape: StatementShape = { kind: 'insert', multi: false };
  for (let index = 0; index < count; index++) {
    const statement = statementOf(models[index], index, insertedIds, shape);
    try {
      scratch.document(statement, STATEMENT_SETTINGS, 'the statement');
    } catch (error) {
      throw new MongoInvalidArgumentError(`operation ${index} (${shape.kind}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    kinds[index] = shape.kind;
    multis[index] = shape.multi;
    ends[index] = scratch.length;
  }
  // Views are taken only now: the scratch may have been replaced while growing.
  const buffer = scratch.buffer;
  const statements: Statement[] = new Array(count);
  let start = 0;
  for (let index = 0; index < count; index++) {
    const end = ends[index];
    statements[index] = { kind: kinds[index], index, bytes: buffer.subarray(start, end), multi: multis[index] };
    start = end;
  }
  return statements;
}

/** Filled in by statementOf (one object reused for every model, not a tuple per model). */
interface StatementShape {
  kind: StatementKind;
  /** Touches many documents (updateMany/deleteMany). */
  multi: boolean;
}

/** One model's statement document to serialize; its kind and multi go into `shape`. */
function statementOf(model: unknown, index: number, insertedIds: Record<number, unknown>, shape: StatementShape): Document {
  if (typeof model !== 'object' || model === null) throw new MongoInvalidArgumentError(`operation ${index} is not an object`);
  const name = Object.keys(model)[0] as string | undefined;
  const spec = name === undefined ? undefined : ((model as Document)[name] as Document | undefined);
  if (typeof spec !== 'object' || spec === null) throw new MongoInvalidArgumentError(`operation ${index} (${String(name)}) has no arguments document`);
  switch (name) {
    case 'insertOne': {
      const document = spec.document as Document | undefined;
      if (typeof document !== 'object' || document === null || Array.isArray(document)) {
        throw new MongoInvalidArgumentError(`operation ${index} (insertOne) needs a document`);
      }
      insertedIds[index] = ensureId(document);
      shape.kind = 'insert';
      shape.multi = false;
      return document;
    }
    case 'updateOne':
    case 'updateMany': {
      const filter = requireFilter(spec.filter, index, name);
      validateUpdate(spec.update, 'update');
      shape.kind = 'update';
      shape.multi = name === 'updateMany';
      return updateStatement(filter, spec.update as Document, shape.multi, spec);
    }
    case 'replaceOne': {
      const filter = requireFilter(spec.filter, index, name);
      validateUpdate(spec.replacement, 'replacement');
      shape.kind = 'update';
      shape.multi = false;
      return updateStatement(filter, spec.replacement as Document, false, { ...spec, arrayFilters: undefined });
    }
    case 'deleteOne':
    case 'deleteMany': {
      const filter = requireFilter(spec.filter, index, name);
      shape.kind = 'delete';
      shape.multi = name === 'deleteMany';
      return deleteStatement(filter, shape.multi, spec);
    }
    default:
      throw new MongoInvalidArgumentError(`operation ${index} has unknown type '${String(name)}' (expected insertOne, updateOne, updateMany, replaceOne, deleteOne or deleteMany)`);
  }
}
