// The operations of Collection.bulkWrite and how each becomes a serialized statement.
import { ObjectId, serialize } from '../../bson.js';
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { deleteStatement, updateStatement, validateUpdate } from '../operations/write.js';
import type { Statement } from './batches.js';

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

/**
 * Turns models into statements, validating each and serializing it once.
 * `insertedIds` receives each insert's _id by operation index.
 */
export function toStatements(models: readonly AnyBulkWriteOperation[], insertedIds: Record<number, unknown>): Statement[] {
  const statements: Statement[] = new Array(models.length);
  for (let index = 0; index < models.length; index++) {
    const model = models[index] as Document;
    if (typeof model !== 'object' || model === null) throw new MongoInvalidArgumentError(`operation ${index} is not an object`);
    const name = Object.keys(model)[0];
    const spec = model[name] as Document | undefined;
    if (typeof spec !== 'object' || spec === null) throw new MongoInvalidArgumentError(`operation ${index} (${String(name)}) has no arguments document`);
    switch (name) {
      case 'insertOne': {
        const document = spec.document as Document | undefined;
        if (typeof document !== 'object' || document === null || Array.isArray(document)) {
          throw new MongoInvalidArgumentError(`operation ${index} (insertOne) needs a document`);
        }
        insertedIds[index] = ensureId(document);
        statements[index] = { kind: 'insert', index, bytes: serialize(document), multi: false };
        break;
      }
      case 'updateOne':
      case 'updateMany': {
        const filter = requireFilter(spec.filter, index, name);
        validateUpdate(spec.update, 'update');
        const multi = name === 'updateMany';
        const statement = updateStatement(filter, spec.update as Document, multi, spec);
        statements[index] = { kind: 'update', index, bytes: serialize(statement), multi };
        break;
      }
      case 'replaceOne': {
        const filter = requireFilter(spec.filter, index, name);
        validateUpdate(spec.replacement, 'replacement');
        const statement = updateStatement(filter, spec.replacement as Document, false, { ...spec, arrayFilters: undefined });
        statements[index] = { kind: 'update', index, bytes: serialize(statement), multi: false };
        break;
      }
      case 'deleteOne':
      case 'deleteMany': {
        const filter = requireFilter(spec.filter, index, name);
        const multi = name === 'deleteMany';
        statements[index] = { kind: 'delete', index, bytes: serialize(deleteStatement(filter, multi, spec)), multi };
        break;
      }
      default:
        throw new MongoInvalidArgumentError(`operation ${index} has unknown type '${String(name)}' (expected insertOne, updateOne, updateMany, replaceOne, deleteOne or deleteMany)`);
    }
  }
  return statements;
}
