// update: each statement {q, u, multi, upsert, arrayFilters, hint, collation}.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument } from '../../query/bson-types.js';
import { compileFilter } from '../../query/matcher.js';
import { applyUpdate, updateKind, upsertSeed } from '../../query/update.js';
import { checkNotView } from '../../query/views.js';
import type { CollectionStore, Storage } from '../../storage/storage.js';
import type { CommandHandler } from '../../types.js';
import { checkHint, collectionName, isOrdered, letVariables, missingField, requiredArray, selectRecords, truthy, wrongType, writeErrorEntry } from './common.js';

export interface UpdateStatementResult {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

export interface UpdateStatement {
  q: Document;
  u: Document | Document[];
  multi: boolean;
  upsert: boolean;
  arrayFilters?: Document[];
  hint?: unknown;
  sort?: unknown;
  collation?: unknown;
}

/** How a command names a statement's fields in its parse errors (update vs bulkWrite). */
export interface UpdateFieldNames {
  /** The statement itself, e.g. `updates.3`. */
  element(index: number): string;
  /** The statement's owner, e.g. `update.updates`. */
  readonly owner: string;
  readonly q: string;
  readonly u: string;
}

const UPDATE_COMMAND_FIELDS: UpdateFieldNames = { element: (i) => `updates.${i}`, owner: 'update.updates', q: 'q', u: 'u' };

/** Validates `{ q, u, multi, upsert, arrayFilters, hint, sort }`; `names` words the errors. */
export function parseUpdateStatement(raw: unknown, index: number, names: UpdateFieldNames = UPDATE_COMMAND_FIELDS): UpdateStatement {
  if (!isPlainDocument(raw)) throw wrongType('update', names.element(index), raw, 'object');
  if (raw.q === undefined) throw missingField(names.owner, names.q);
  if (raw.u === undefined) throw missingField(names.owner, names.u);
  if (!isPlainDocument(raw.q)) throw wrongType(names.owner, names.q, raw.q, 'object');
  const u = raw.u;
  if (!isPlainDocument(u) && !Array.isArray(u)) throw wrongType(names.owner, names.u, u, 'object');
  if (Array.isArray(u)) checkUpdatePipeline(u);
  const multi = truthy(raw.multi);
  if (multi && updateKind(u) === 'replacement' && Object.keys(u).length > 0) {
    throw new CommandError(ErrorCodes.FailedToParse, 'multi update is not supported for replacement-style update');
  }
  if (raw.arrayFilters !== undefined && !Array.isArray(raw.arrayFilters)) throw wrongType(names.owner, 'arrayFilters', raw.arrayFilters, 'array');
  return {
    q: raw.q,
    u: u as Document | Document[],
    multi,
    upsert: truthy(raw.upsert),
    ...(raw.arrayFilters ? { arrayFilters: raw.arrayFilters as Document[] } : {}),
    ...(raw.hint !== undefined ? { hint: raw.hint } : {}),
    ...(raw.sort !== undefined ? { sort: raw.sort } : {}),
    ...(raw.collation !== undefined ? { collation: raw.collation } : {}),
  };
}

/** The stages an update pipeline may hold; mongod rejects the pipeline up front, matched or not. */
const UPDATE_PIPELINE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
const KNOWN_OTHER_STAGES = new Set(['$match', '$group', '$sort', '$limit', '$skip', '$unwind', '$lookup', '$count', '$facet', '$out', '$merge', '$sortByCount', '$sample', '$bucket', '$bucketAuto', '$geoNear', '$graphLookup', '$redact', '$documents', '$unionWith', '$densify', '$fill', '$setWindowFields']);

function checkUpdatePipeline(pipeline: unknown[]): void {
  for (const stage of pipeline) {
    if (!isPlainDocument(stage) || Object.keys(stage).length !== 1) {
      throw new CommandError(ErrorCodes.Location40323, 'A pipeline stage specification object must contain exactly one field.');
    }
    const name = Object.keys(stage)[0] ?? '';
    if (UPDATE_PIPELINE_STAGES.has(name)) continue;
    if (KNOWN_OTHER_STAGES.has(name)) throw new CommandError(ErrorCodes.InvalidOptions, `${name} is not allowed to be used within an update`);
    throw new CommandError(ErrorCodes.Location40324, `Unrecognized pipeline stage name: '${name}'`);
  }
}

/** How the change log reports an update statement's write: a replacement document is a 'replace' event. */
export function changeKindOf(update: unknown): 'update' | 'replace' {
  return updateKind(update) === 'replacement' ? 'replace' : 'update';
}

/** Builds and inserts the upserted document; returns its _id. */
export function performUpsert(collection: CollectionStore, statement: Pick<UpdateStatement, 'q' | 'u' | 'arrayFilters'>, variables: Document | undefined): unknown {
  const seed = upsertSeed(statement.q);
  const kind = updateKind(statement.u);
  let doc: Document;
  if (kind === 'replacement') {
    doc = { ...(seed._id !== undefined ? { _id: seed._id } : {}), ...(statement.u as Document) };
  } else {
    doc = applyUpdate(seed, statement.u, { isInsert: true, arrayFilters: statement.arrayFilters, variables }).doc;
  }
  return collection.insert(doc);
}

export function executeUpdate(storage: Storage, dbName: string, coll: string, statement: UpdateStatement, variables: Document | undefined): UpdateStatementResult {
  checkNotView(storage, dbName, coll);
  const existing = storage.collection(dbName, coll);
  checkHint(existing, statement.hint);
  updateKind(statement.u);
  const query = compileFilter(statement.q, { variables });
  const selected = selectRecords(existing, statement.q, { variables, sort: statement.sort, limit: statement.multi ? undefined : 1, collation: statement.collation });
  if (selected.length === 0) {
    if (!statement.upsert) return { n: 0, nModified: 0 };
    const { collection } = storage.ensureCollection(dbName, coll);
    return { n: 1, nModified: 0, upsertedId: performUpsert(collection, statement, variables) };
  }
  let nModified = 0;
  for (const [rid, doc] of selected) {
    const result = applyUpdate(doc, statement.u, { arrayFilters: statement.arrayFilters, query, variables });
    if (result.modified && existing) {
      existing.replace(rid, result.doc, { change: { kind: changeKindOf(statement.u), update: statement.u } });
      nModified++;
    }
  }
  return { n: selected.length, nModified };
}

export const updateHandler: CommandHandler = {
  name: 'update',
  run(command, context) {
    const coll = collectionName(command, 'update');
    const updates = requiredArray(command, 'update', 'updates');
    const ordered = isOrdered(command);
    // mongod parses every statement's pipeline with the command: a bad one fails the whole command.
    for (const raw of updates) if (isPlainDocument(raw) && Array.isArray(raw.u)) checkUpdatePipeline(raw.u);
    const variables = letVariables(command, 'update');
    let n = 0;
    let nModified = 0;
    const upserted: Document[] = [];
    const writeErrors: Document[] = [];
    updates.forEach((raw: unknown, index: number) => {
      if (ordered && writeErrors.length > 0) return;
      try {
        const result = executeUpdate(context.server.storage, context.dbName, coll, parseUpdateStatement(raw, index), variables);
        n += result.n;
        nModified += result.nModified;
        if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
      } catch (error) {
        writeErrors.push(writeErrorEntry(index, error));
      }
    });
    return {
      n,
      nModified,
      ...(upserted.length > 0 ? { upserted } : {}),
      ...(writeErrors.length > 0 ? { writeErrors } : {}),
      ok: 1,
    };
  },
};
