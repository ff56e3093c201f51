// The write models of Client.bulkWrite (bulk-write spec) and how each becomes a
// `bulkWrite` ops entry, validated and serialized once. The entry's first field
// is its nsInfo index, which depends on the batch it lands in: it is written as a
// placeholder Int32 at a fixed offset and patched when the batch is cut.
import { ObjectId, serialize, type Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { setIfDefined } from '../operations/operation.js';
import { isDocument } from '../../util/is-document.js';

interface FilteredModel {
  /** "database.collection". */
  namespace: string;
  filter: Document;
  collation?: Document;
  hint?: Document | string;
}

export interface ClientUpdateModel extends FilteredModel {
  update: Document | Document[];
  arrayFilters?: Document[];
  upsert?: boolean;
}

export interface ClientReplaceOneModel<T extends Document = Document> extends FilteredModel {
  replacement: T;
  upsert?: boolean;
  sort?: Document;
}

export type ClientBulkWriteModel<T extends Document = Document> =
  | { insertOne: { namespace: string; document: T } }
  | { updateOne: ClientUpdateModel & { sort?: Document } }
  | { updateMany: ClientUpdateModel }
  | { replaceOne: ClientReplaceOneModel<T> }
  | { deleteOne: FilteredModel }
  | { deleteMany: FilteredModel };

export type ClientOpKind = 'insert' | 'update' | 'delete';

/** One model, ready to batch. */
export interface ClientOp {
  readonly kind: ClientOpKind;
  /** The caller's index of the model (the key of results and write errors). */
  readonly index: number;
  readonly namespace: string;
  /** The ops entry's BSON; bytes NS_INDEX_OFFSET..+4 hold the nsInfo index. */
  readonly bytes: Uint8Array;
  /** A multi-document update/delete makes its batch non-retryable. */
  readonly multi: boolean;
  /** Inserts: the document's _id (given or generated). */
  readonly insertedId?: unknown;
}

/** int32 size (4) + element type (1) + "insert\0" / "update\0" / "delete\0" (7). */
export const NS_INDEX_OFFSET = 12;
const INT32_TYPE = 0x10;

/** Writes `nsIndex` into an ops entry's first field (in place: batches go out one at a time). */
export function patchNamespaceIndex(bytes: Uint8Array, nsIndex: number): void {
  if (bytes[NS_INDEX_OFFSET - 8] !== INT32_TYPE) throw new MongoInvalidArgumentError('bulkWrite ops entry does not start with an int32 namespace index');
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setInt32(NS_INDEX_OFFSET, nsIndex, true);
}


function requireNamespace(spec: Document, index: number, name: string): string {
  const ns = spec.namespace;
  const dot = typeof ns === 'string' ? ns.indexOf('.') : -1;
  if (typeof ns !== 'string' || dot <= 0 || dot === ns.length - 1) {
    throw new MongoInvalidArgumentError(`model ${index} (${name}) needs a namespace of the form 'database.collection', got ${JSON.stringify(ns)}`);
  }
  return ns;
}

function requireFilter(spec: Document, index: number, name: string): Document {
  if (!isDocument(spec.filter)) throw new MongoInvalidArgumentError(`model ${index} (${name}) needs a filter document`);
  return spec.filter;
}

/** Update documents must start with an atomic operator; pipelines are left to the server. */
function requireUpdate(update: unknown, index: number, name: string): Document | Document[] {
  if (Array.isArray(update)) return update as Document[];
  if (!isDocument(update)) throw new MongoInvalidArgumentError(`model ${index} (${name}) needs an update document or pipeline`);
  const first = Object.keys(update)[0];
  if (first === undefined) throw new MongoInvalidArgumentError(`model ${index} (${name}): the update document must not be empty`);
  if (!first.startsWith('$')) {
    throw new MongoInvalidArgumentError(`model ${index} (${name}): the update document must contain only atomic modifiers; '${first}' is not one`);
  }
  return update;
}

/** Replacements must not start with an atomic operator (the server checks the rest). */
function requireReplacement(replacement: unknown, index: number): Document {
  if (!isDocument(replacement)) throw new MongoInvalidArgumentError(`model ${index} (replaceOne) needs a replacement document`);
  const first = Object.keys(replacement)[0];
  if (first !== undefined && first.startsWith('$')) {
    throw new MongoInvalidArgumentError(`model ${index} (replaceOne): the replacement document must not contain atomic modifiers; found '${first}'`);
  }
  return replacement;
}

function appendShared(entry: Document, spec: Document): void {
  setIfDefined(entry, 'collation', spec.collation);
  setIfDefined(entry, 'hint', spec.hint);
}

function toOp(model: unknown, index: number): ClientOp {
  if (!isDocument(model)) throw new MongoInvalidArgumentError(`model ${index} is not an object`);
  const name = Object.keys(model)[0];
  const spec: unknown = name === undefined ? undefined : model[name];
  if (!isDocument(spec)) throw new MongoInvalidArgumentError(`model ${index} (${String(name)}) has no arguments document`);
  switch (name) {
    case 'insertOne': {
      const namespace = requireNamespace(spec, index, name);
      const document: unknown = spec.document;
      if (!isDocument(document)) throw new MongoInvalidArgumentError(`model ${index} (insertOne) needs a document`);
      // The caller sees the generated _id (as with insertOne); on the wire it comes first.
      if (document._id === undefined) document._id = new ObjectId();
      const insertedId: unknown = document._id;
      const bytes = serialize({ insert: 0, document: { _id: insertedId, ...document } });
      return { kind: 'insert', index, namespace, bytes, multi: false, insertedId };
    }
    case 'updateOne':
    case 'updateMany':
    case 'replaceOne': {
      const namespace = requireNamespace(spec, index, name);
      const filter = requireFilter(spec, index, name);
      const updateMods = name === 'replaceOne' ? requireReplacement(spec.replacement, index) : requireUpdate(spec.update, index, name);
      const multi = name === 'updateMany';
      const entry: Document = { update: 0, filter, updateMods };
      if (name !== 'replaceOne') setIfDefined(entry, 'arrayFilters', spec.arrayFilters);
      appendShared(entry, spec);
      setIfDefined(entry, 'upsert', spec.upsert);
      if (!multi) setIfDefined(entry, 'sort', spec.sort);
      entry.multi = multi;
      return { kind: 'update', index, namespace, bytes: serialize(entry), multi };
    }
    case 'deleteOne':
    case 'deleteMany': {
      const namespace = requireNamespace(spec, index, name);
      const filter = requireFilter(spec, index, name);
      const multi = name === 'deleteMany';
      const entry: Document = { delete: 0, filter };
      appendShared(entry, spec);
      entry.multi = multi;
      return { kind: 'delete', index, namespace, bytes: serialize(entry), multi };
    }
    default:
      throw new MongoInvalidArgumentError(
        `model ${index} has unknown type '${String(name)}' (expected insertOne, updateOne, updateMany, replaceOne, deleteOne or deleteMany)`,
      );
  }
}

/** Validates and serializes every model (all before anything is sent). */
export function toClientOps(models: readonly ClientBulkWriteModel[]): ClientOp[] {
  const ops: ClientOp[] = new Array<ClientOp>(models.length);
  for (let index = 0; index < models.length; index++) ops[index] = toOp(models[index], index);
  return ops;
}
