// count and distinct.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { compareValues, valueKey } from '../../query/compare.js';
import { collatorFor } from '../../query/collation.js';
import { pathValuesForKeys } from '../../query/paths.js';
import { readableCollection } from '../../query/views.js';
import { copyValue } from '../../storage/values.js';
import type { CommandHandler } from '../../types.js';
import { checkHint, collectionName, optionalDocument, optionalNumber, selectRecords, wrongType } from './common.js';

export function countMatching(command: Document, context: Parameters<CommandHandler['run']>[1]): number {
  const coll = collectionName(command, 'count');
  const query = optionalDocument(command, 'count', 'query');
  const collection = readableCollection(context.server.storage, context.dbName, coll);
  checkHint(collection, command.hint);
  const collation = optionalDocument(command, 'count', 'collation');
  const skip = optionalNumber(command, 'count', 'skip') ?? 0;
  if (skip < 0) throw new CommandError(ErrorCodes.BadValue, `skip value is negative in count query`);
  const limit = Math.abs(optionalNumber(command, 'count', 'limit') ?? 0);
  return selectRecords(collection, query, { skip, collation, ...(limit > 0 ? { limit } : {}) }).length;
}

export const countHandler: CommandHandler = {
  name: 'count',
  run(command, context) {
    return { n: countMatching(command, context), ok: 1 };
  },
};

export function distinctValues(command: Document, context: Parameters<CommandHandler['run']>[1]): unknown[] {
  const coll = collectionName(command, 'distinct');
  const key = command.key;
  if (key === undefined) throw new CommandError(ErrorCodes.IDLFailedToParse, "BSON field 'distinct.key' is missing but a required field");
  if (typeof key !== 'string') throw wrongType('distinct', 'key', key, 'string');
  const query = optionalDocument(command, 'distinct', 'query');
  const collection = readableCollection(context.server.storage, context.dbName, coll);
  checkHint(collection, command.hint);
  const collation = optionalDocument(command, 'distinct', 'collation') ?? collection?.options.collation;
  const collator = collatorFor(collation);
  const seen = new Map<string, unknown>();
  for (const [, doc] of selectRecords(collection, query, { collation })) {
    for (const value of pathValuesForKeys(doc, key)) {
      if (value === undefined) continue;
      const k = valueKey(value);
      if (seen.has(k)) continue;
      // Under a collation, strings equal to one already seen (e.g. other case) are the same value.
      if (collator && [...seen.values()].some((v) => compareValues(v, value, collator) === 0)) continue;
      seen.set(k, value);
    }
  }
  return [...seen.values()].map(copyValue);
}

export const distinctHandler: CommandHandler = {
  name: 'distinct',
  run(command, context) {
    return { values: distinctValues(command, context), ok: 1 };
  },
};
