// delete: each statement {q, limit: 0 | 1, hint, collation}.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument, toNumber } from '../../query/bson-types.js';
import type { CollectionStore } from '../../storage/storage.js';
import { isView } from '../../query/views.js';
import type { CommandHandler } from '../../types.js';
import { checkHint, collectionName, isOrdered, letVariables, missingField, requiredArray, selectRecords, wrongType, writeErrorEntry } from './common.js';

export interface DeleteStatement {
  q: Document;
  multi: boolean;
  hint?: unknown;
  collation?: unknown;
}

/** Deletes the documents one statement selects; returns how many (shared with bulkWrite). */
export function executeDelete(collection: CollectionStore | undefined, statement: DeleteStatement, variables: Document | undefined): number {
  if (collection !== undefined && isView(collection)) {
    throw new CommandError(ErrorCodes.CommandNotSupportedOnView, `Namespace ${collection.ns} is a view, not a collection`);
  }
  checkHint(collection, statement.hint);
  let n = 0;
  for (const [rid] of selectRecords(collection, statement.q, { variables, limit: statement.multi ? 0 : 1, collation: statement.collation })) {
    if (collection?.delete(rid)) n++;
  }
  return n;
}

export const deleteHandler: CommandHandler = {
  name: 'delete',
  run(command, context) {
    const coll = collectionName(command, 'delete');
    const deletes = requiredArray(command, 'delete', 'deletes');
    const ordered = isOrdered(command);
    const variables = letVariables(command, 'delete');
    const collection = context.server.storage.collection(context.dbName, coll);
    let n = 0;
    const writeErrors: Document[] = [];
    deletes.forEach((raw: unknown, index: number) => {
      if (ordered && writeErrors.length > 0) return;
      try {
        if (!isPlainDocument(raw)) throw wrongType('delete', `deletes.${index}`, raw, 'object');
        if (raw.q === undefined) throw missingField('delete.deletes', 'q');
        if (raw.limit === undefined) throw missingField('delete.deletes', 'limit');
        if (!isPlainDocument(raw.q)) throw wrongType('delete.deletes', 'q', raw.q, 'object');
        const limit = toNumber(raw.limit);
        if (limit !== 0 && limit !== 1) throw new CommandError(ErrorCodes.FailedToParse, `The limit field in delete objects must be 0 or 1. Got ${limit}`);
        n += executeDelete(collection, { q: raw.q, multi: limit === 0, hint: raw.hint, collation: raw.collation }, variables);
      } catch (error) {
        writeErrors.push(writeErrorEntry(index, error));
      }
    });
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },
};
