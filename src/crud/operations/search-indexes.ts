// The Atlas Search index commands (index-management spec, "Search Indexes"). mongod
// forwards them to the search service, so read and write concerns are never sent;
// listing is an aggregation with the $listSearchIndexes stage (built by Collection).
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { SEARCH_INDEX_COMMAND, type OperationInheritance } from './operation.js';
import { SimpleCommandOperation } from './simple-command.js';
import { isDocument } from '../../util/is-document.js';

export interface SearchIndexModel {
  /** The index definition; its syntax depends on the type ("search" or "vectorSearch"). */
  definition: Document;
  /** Defaults to "default" on the server. */
  name?: string;
  /** "search" (the server's default) or "vectorSearch". */
  type?: string;
}


function modelSpec(model: unknown, position: number): Document {
  if (!isDocument(model) || !isDocument(model.definition)) {
    throw new MongoInvalidArgumentError(`search index model ${position} needs a 'definition' document`);
  }
  const spec: Document = { definition: model.definition };
  if (model.name !== undefined) spec.name = model.name;
  if (model.type !== undefined) spec.type = model.type;
  return spec;
}

/** Only the concern-free part of what the operation inherits: the session. */
function sessionOnly(inherited: OperationInheritance): OperationInheritance {
  return inherited.session === undefined ? {} : { session: inherited.session };
}

function requireName(name: unknown, helper: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError(`${helper} needs a search index name (a non-empty string)`);
  return name;
}

/** createSearchIndexes; the reply's indexesCreated names the indexes, in order. */
export function createSearchIndexes(db: string, collection: string, models: readonly SearchIndexModel[], inherited: OperationInheritance): SimpleCommandOperation<string[]> {
  if (!Array.isArray(models)) throw new MongoInvalidArgumentError('createSearchIndexes needs an array of search index models');
  const body: Document = { createSearchIndexes: collection, indexes: models.map((m, i) => modelSpec(m, i)) };
  const readNames = (reply: Document): string[] =>
    Array.isArray(reply.indexesCreated) ? reply.indexesCreated.map((entry: unknown) => String(isDocument(entry) ? entry.name : entry)) : [];
  return new SimpleCommandOperation(db, SEARCH_INDEX_COMMAND, body, readNames, sessionOnly(inherited));
}

export function updateSearchIndex(db: string, collection: string, name: string, definition: Document, inherited: OperationInheritance): SimpleCommandOperation<void> {
  if (!isDocument(definition)) throw new MongoInvalidArgumentError('updateSearchIndex needs a definition document');
  const body: Document = { updateSearchIndex: collection, name: requireName(name, 'updateSearchIndex'), definition };
  return new SimpleCommandOperation(db, SEARCH_INDEX_COMMAND, body, () => undefined, sessionOnly(inherited));
}

export function dropSearchIndex(db: string, collection: string, name: string, inherited: OperationInheritance): SimpleCommandOperation<void> {
  const body: Document = { dropSearchIndex: collection, name: requireName(name, 'dropSearchIndex') };
  return new SimpleCommandOperation(db, SEARCH_INDEX_COMMAND, body, () => undefined, sessionOnly(inherited));
}

/** The inheritance for listSearchIndexes' aggregate: no read concern (the search service ignores it). */
export function listSearchIndexesInheritance(inherited: OperationInheritance): OperationInheritance {
  const { readConcern: _readConcern, writeConcern: _writeConcern, ...rest } = inherited;
  return rest;
}
