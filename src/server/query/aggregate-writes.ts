// The writing stages: $out replaces a collection's contents, $merge folds
// results into one. Both write as mongod 7/8 does, so change streams see the
// same events: $out fills a temporary collection "tmp.agg_out.<uuid>" (created
// with the target's options and indexes) and renames it over the target
// (create, createIndexes and inserts on the temporary namespace, then one
// rename with dropTarget); $merge writes document by document (insert, update
// for whenMatched 'merge' and pipelines, replace for 'replace'; nothing when a
// write would change nothing).
import { serialize, UUID, type Document } from '../../bson.js';
import { copyDocument } from '../storage/values.js';
import type { CollectionStore, WriteOptions } from '../storage/collection.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { isPlainDocument } from './bson-types.js';
import { valuesEqual } from './compare.js';
import { mingoAggregate } from './mingo-bridge.js';
import { getPath } from './paths.js';
import type { AggregateEnv } from './aggregate.js';
import { checkNotView } from './views.js';

function target(arg: unknown, env: AggregateEnv, stage: string): { db: string; coll: string } {
  if (typeof arg === 'string') return { db: env.dbName, coll: arg };
  if (isPlainDocument(arg)) {
    const into = stage === '$merge' ? arg.into : arg;
    if (typeof into === 'string') return { db: env.dbName, coll: into };
    if (isPlainDocument(into) && typeof into.coll === 'string') {
      return { db: typeof into.db === 'string' ? into.db : env.dbName, coll: into.coll };
    }
  }
  throw new CommandError(ErrorCodes.FailedToParse, `${stage} requires a target collection name`);
}

export function outTo(docs: Document[], arg: unknown, env: AggregateEnv): void {
  const { db, coll } = target(arg, env, '$out');
  // A view is not a target (CommandNotSupportedOnView, as mongod; its stage-specific wording may differ).
  checkNotView(env.storage, db, coll);
  const existing = env.storage.collection(db, coll);
  const temporary = `tmp.agg_out.${new UUID().toHexString(true)}`;
  // mongod creates it with temp: true (dropped on restart) and the rename clears that flag.
  const staging = env.storage.createCollection(db, temporary, { temp: true, ...(existing === undefined ? {} : copyDocument(existing.options)) });
  try {
    for (const spec of existing?.indexes() ?? []) if (staging.findIndex(spec.name) === undefined) staging.addIndex(spec);
    for (const doc of docs) staging.insert(doc);
  } catch (error) {
    env.storage.dropCollection(db, temporary);
    throw error;
  }
  env.storage.renameCollection({ db, coll: temporary }, { db, coll }, true);
  delete staging.options.temp;
}

/** Replaces a matched document unless that would change nothing (mongod records no-op writes as nothing). */
function replaceIfChanged(collection: CollectionStore, recordId: number, stored: Document, next: Document, change: WriteOptions['change']): void {
  if (Buffer.from(serialize(stored)).equals(Buffer.from(serialize(next)))) return;
  collection.replace(recordId, next, { change });
}

/** `doc` with the matched document's _id, first (as stored), so an unchanged result compares equal. */
function withStoredId(stored: Document, doc: Document): Document {
  const { _id: _ignored, ...fields } = doc;
  return { _id: stored._id, ...fields };
}

/** The $set mongod's whenMatched: 'merge' runs: every field of the result but _id. */
function mergeUpdate(doc: Document): Document {
  const { _id: _ignored, ...fields } = doc;
  return { $set: fields };
}

export function mergeInto(docs: Document[], arg: unknown, env: AggregateEnv): void {
  const { db, coll } = target(arg, env, '$merge');
  const spec = isPlainDocument(arg) ? arg : {};
  const on = spec.on === undefined ? ['_id'] : Array.isArray(spec.on) ? spec.on.map(String) : [String(spec.on)];
  const whenMatched = spec.whenMatched ?? 'merge';
  const whenNotMatched = spec.whenNotMatched ?? 'insert';
  checkNotView(env.storage, db, coll);
  const { collection } = env.storage.ensureCollection(db, coll);
  for (const doc of docs) {
    const existing = collection.entries().find(([, stored]) => on.every((f) => valuesEqual(getPath(stored, f), getPath(doc, f))));
    if (!existing) {
      if (whenNotMatched === 'insert') collection.insert(doc);
      else if (whenNotMatched === 'fail') {
        throw new CommandError(13113, "$merge could not find a matching document in the target collection for at least one document in the source collection");
      }
      continue;
    }
    const [rid, stored] = existing;
    if (whenMatched === 'replace') replaceIfChanged(collection, rid, stored, withStoredId(stored, doc), { kind: 'replace' });
    else if (whenMatched === 'merge') replaceIfChanged(collection, rid, stored, { ...stored, ...doc, _id: stored._id }, { kind: 'update', update: mergeUpdate(doc) });
    else if (whenMatched === 'fail') {
      throw new CommandError(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${db}.${coll}`, { keyPattern: { _id: 1 }, keyValue: { _id: stored._id } });
    } else if (Array.isArray(whenMatched)) {
      const variables = { ...env.variables, new: doc, ...(isPlainDocument(spec.let) ? spec.let : {}) };
      const [updated] = mingoAggregate([stored], whenMatched as Document[], { variables });
      if (updated) replaceIfChanged(collection, rid, stored, withStoredId(stored, updated), { kind: 'update', update: whenMatched });
    }
  }
}
