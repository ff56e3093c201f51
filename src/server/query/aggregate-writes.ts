// The writing stages: $out replaces a collection's contents, $merge folds
// results into one.
import type { Document } from '../../bson.js';
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
  const { collection } = env.storage.ensureCollection(db, coll);
  collection.clear();
  for (const doc of docs) collection.insert(doc);
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
    if (whenMatched === 'replace') collection.replace(rid, { ...doc, _id: stored._id });
    else if (whenMatched === 'merge') collection.replace(rid, { ...stored, ...doc, _id: stored._id });
    else if (whenMatched === 'fail') {
      throw new CommandError(ErrorCodes.DuplicateKey, `E11000 duplicate key error collection: ${db}.${coll}`, { keyPattern: { _id: 1 }, keyValue: { _id: stored._id } });
    } else if (Array.isArray(whenMatched)) {
      const variables = { ...env.variables, new: doc, ...(isPlainDocument(spec.let) ? spec.let : {}) };
      const [updated] = mingoAggregate([stored], whenMatched as Document[], { variables });
      if (updated) collection.replace(rid, { ...updated, _id: stored._id });
    }
  }
}
