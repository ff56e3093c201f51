// find's tailable / awaitData options, checked as mongod checks them: tailing is
// only for capped collections, and awaitData only makes sense on a tailable cursor.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { CommandContext, TailableSource } from '../types.js';

/**
 * The cursor options for a find that asked for `tailable`: `{ tailable }` for a
 * capped collection, `{}` when not tailing (or the collection does not exist,
 * which yields an exhausted cursor). `requery` re-runs the find with showRecordId.
 */
export function tailableOptions(command: Document, context: CommandContext, requery: () => Document[]): { tailable?: TailableSource } {
  const tailable = command.tailable === true;
  const awaitData = command.awaitData === true;
  if (awaitData && !tailable) {
    throw new CommandError(ErrorCodes.FailedToParse, "Cannot set 'awaitData' without also setting 'tailable'");
  }
  if (!tailable) return {};
  const name = typeof command.find === 'string' ? command.find : '';
  const collection = context.server.storage.collection(context.dbName, name);
  if (collection === undefined) return {};
  if (collection.options.capped !== true) {
    throw new CommandError(ErrorCodes.BadValue, `error processing query: ns=${context.dbName}.${name}: tailable cursor requested on non capped collection`);
  }
  return { tailable: { awaitData, showRecordId: command.showRecordId === true, requery } };
}
