// find: filter → sort → skip → limit → projection, returned through a cursor.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { compileFilter } from '../../query/matcher.js';
import { compileProjection } from '../../query/projection.js';
import { compareValues } from '../../query/compare.js';
import { readableCollection } from '../../query/views.js';
import { extractKeys } from '../../storage/index-keys.js';
import type { CursorDocument } from '../../storage/raw-document.js';
import { copyDocument } from '../../storage/values.js';
import { DEFAULT_FIRST_BATCH_SIZE } from '../../cursors/batch.js';
import { tailableOptions } from '../../cursors/tailable.js';
import type { CollectionStore } from '../../storage/storage.js';
import type { CommandHandler } from '../../types.js';
import {
  checkHint, collectionName, cursorOptions, letVariables, namespace, optionalDocument, optionalNumber, selectRecords, truthy,
} from './common.js';

export interface FindPlan {
  coll: string;
  filter: Document | undefined;
  documents: CursorDocument[];
}

function withinMinMax(doc: Document, min: Document | undefined, max: Document | undefined): boolean {
  const pattern = Object.fromEntries(Object.keys(min ?? max ?? {}).map((k) => [k, 1]));
  const [key] = extractKeys(doc, pattern);
  if (!key) return true;
  const cmp = (bound: Document): number => {
    const values = Object.values(bound);
    for (let i = 0; i < values.length; i++) {
      const c = compareValues(key[i], values[i]);
      if (c !== 0) return c;
    }
    return 0;
  };
  return (!min || cmp(min) >= 0) && (!max || cmp(max) < 0);
}

/**
 * The key pattern of the index a plan would use, for returnKey: the hinted index,
 * else one whose leading fields the sort names, else one on a filtered field.
 * None (a collection scan, so returnKey yields {}) when nothing fits.
 */
function plannedIndexKey(collection: CollectionStore | undefined, hint: unknown, sort: Document | undefined, filter: Document | undefined): Document | null {
  const indexes = collection?.indexes() ?? [];
  if (typeof hint === 'string') return indexes.find((ix) => ix.name === hint)?.key ?? null;
  if (hint !== undefined && hint !== null && typeof hint === 'object') {
    return indexes.find((ix) => compareValues(ix.key, hint) === 0)?.key ?? null;
  }
  const sortFields = Object.keys(sort ?? {});
  const bySort = sortFields.length > 0 ? indexes.find((ix) => sortFields.every((f, i) => Object.keys(ix.key)[i] === f)) : undefined;
  if (bySort) return bySort.key;
  const filtered = new Set(Object.keys(filter ?? {}));
  return indexes.find((ix) => filtered.has(Object.keys(ix.key)[0] ?? ''))?.key ?? null;
}

function indexKeyOf(doc: Document, keyPattern: Document | null): Document {
  if (!keyPattern) return {};
  const [key] = extractKeys(doc, keyPattern);
  const out: Document = {};
  Object.keys(keyPattern).forEach((field, i) => { out[field] = key?.[i] ?? null; });
  return copyDocument(out);
}

/** Runs a find command's query part; shared with explain. */
export function runFind(command: Document, context: Parameters<CommandHandler['run']>[1]): FindPlan {
  const coll = collectionName(command, 'find');
  const filter = optionalDocument(command, 'find', 'filter');
  const sort = optionalDocument(command, 'find', 'sort');
  const projection = optionalDocument(command, 'find', 'projection');
  const skip = optionalNumber(command, 'find', 'skip') ?? 0;
  const rawLimit = optionalNumber(command, 'find', 'limit') ?? 0;
  if (skip < 0) throw new CommandError(51024, `BSON field 'skip' value must be >= 0, actual value '${skip}'`);
  if (rawLimit < 0) throw new CommandError(51024, `BSON field 'limit' value must be >= 0, actual value '${rawLimit}'`);
  const variables = letVariables(command, 'find');
  const collection = readableCollection(context.server.storage, context.dbName, coll);
  checkHint(collection, command.hint);
  const min = optionalDocument(command, 'find', 'min');
  const max = optionalDocument(command, 'find', 'max');
  const collation = optionalDocument(command, 'find', 'collation');
  let records = selectRecords(collection, filter, { sort, variables, collation });
  if (min || max) records = records.filter(([, d]) => withinMinMax(d, min, max));
  records = records.slice(skip);
  if (rawLimit > 0) records = records.slice(0, rawLimit);
  const project = compileProjection(projection, { query: compileFilter(filter, { variables, collation }), variables });
  const keyPattern = truthy(command.returnKey) ? plannedIndexKey(collection, command.hint, sort, filter) : undefined;
  if (collection && keyPattern === undefined && projection === undefined && !truthy(command.showRecordId)) {
    // Whole stored documents: replies splice the stored bytes in, no copy made.
    return { coll, filter, documents: records.map(([rid, doc]) => collection.raw(rid) ?? copyDocument(doc)) };
  }
  // returnKey wins over showRecordId (mongod returns only the index key then).
  const documents = records.map(([rid, doc]) => {
    if (keyPattern !== undefined) return indexKeyOf(doc, keyPattern);
    const out = copyDocument(project(doc));
    return truthy(command.showRecordId) ? { ...out, $recordId: rid } : out;
  });
  return { coll, filter, documents };
}

export const findHandler: CommandHandler = {
  name: 'find',
  run(command, context) {
    const plan = runFind(command, context);
    const batchSize = optionalNumber(command, 'find', 'batchSize');
    if (batchSize !== undefined && batchSize < 0) throw new CommandError(51024, `BSON field 'batchSize' value must be >= 0, actual value '${batchSize}'`);
    const cursor = context.server.cursors.open(plan.documents, {
      ...cursorOptions(command, context, namespace(context, plan.coll)),
      ...(batchSize !== undefined ? { batchSize } : {}),
      defaultBatchSize: DEFAULT_FIRST_BATCH_SIZE,
      singleBatch: truthy(command.singleBatch),
      ...tailableOptions(command, context, () => runFind({ ...command, showRecordId: true }, context).documents),
    });
    return { cursor, ok: 1 };
  },
};

