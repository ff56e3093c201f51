// findAndModify: one document updated, replaced or removed, returned before or after.
import type { Document } from '../../../bson.js';
import { CommandError } from '../../command-error.js';
import { ErrorCodes } from '../../error-codes.js';
import { isPlainDocument } from '../../query/bson-types.js';
import { compileFilter } from '../../query/matcher.js';
import { compileProjection } from '../../query/projection.js';
import { applyUpdate, updateKind } from '../../query/update.js';
import { checkNotView } from '../../query/views.js';
import { copyDocument } from '../../storage/values.js';

import type { CommandHandler } from '../../types.js';
import { checkHint, collectionName, letVariables, optionalDocument, selectRecords, truthy, wrongType } from './common.js';
import { changeKindOf, performUpsert } from './update.js';

export const findAndModifyHandler: CommandHandler = {
  name: 'findAndModify',
  aliases: ['findandmodify'],
  run(command, context) {
    const name = 'findAndModify' in command ? 'findAndModify' : 'findandmodify';
    const coll = collectionName(command, name);
    const query = optionalDocument(command, name, 'query');
    const sort = optionalDocument(command, name, 'sort');
    const fields = optionalDocument(command, name, 'fields');
    const remove = truthy(command.remove);
    const update: unknown = command.update;
    const returnNew = truthy(command.new);
    const upsert = truthy(command.upsert);
    const variables = letVariables(command, name);
    const collation = optionalDocument(command, name, 'collation');
    const bypassDocumentValidation = truthy(command.bypassDocumentValidation);
    if (remove && update !== undefined) throw new CommandError(ErrorCodes.FailedToParse, 'Cannot specify both an update and remove=true');
    if (!remove && update === undefined) throw new CommandError(ErrorCodes.FailedToParse, 'Either an update or remove=true must be specified');
    if (remove && (upsert || returnNew)) throw new CommandError(ErrorCodes.FailedToParse, 'Cannot specify both upsert=true and remove=true');
    if (update !== undefined && !isPlainDocument(update) && !Array.isArray(update)) throw wrongType(name, 'update', update, 'object');
    if (command.arrayFilters !== undefined && !Array.isArray(command.arrayFilters)) throw wrongType(name, 'arrayFilters', command.arrayFilters, 'array');
    const arrayFilters = command.arrayFilters as Document[] | undefined;
    if (update !== undefined) updateKind(update);

    const storage = context.server.storage;
    checkNotView(storage, context.dbName, coll);
    const existing = storage.collection(context.dbName, coll);
    checkHint(existing, command.hint);
    const project = compileProjection(fields, { query: compileFilter(query, { variables, collation }), variables });
    const shape = (doc: Document | undefined): Document | null => (doc ? copyDocument(project(doc)) : null);
    const [found] = selectRecords(existing, query, { sort, limit: 1, variables, collation });

    if (remove) {
      if (!found || !existing) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
      const [rid, doc] = found;
      const value = shape(doc);
      existing.delete(rid);
      return { lastErrorObject: { n: 1 }, value, ok: 1 };
    }
    const u = update as Document | Document[];
    if (!found) {
      if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
      const { collection } = storage.ensureCollection(context.dbName, coll);
      const id = performUpsert(collection, { q: query ?? {}, u, arrayFilters }, variables);
      const [inserted] = selectRecords(collection, { _id: id }, { limit: 1, collation: { locale: 'simple' } });
      return {
        lastErrorObject: { n: 1, updatedExisting: false, upserted: id },
        value: returnNew ? shape(inserted?.[1]) : null,
        ok: 1,
      };
    }
    const [rid, doc] = found;
    const before = shape(doc);
    const result = applyUpdate(doc, u, { arrayFilters, query: compileFilter(query, { variables, collation }), variables });
    if (result.modified && existing) existing.replace(rid, result.doc, { bypassDocumentValidation, change: { kind: changeKindOf(u), update: u } });
    return {
      lastErrorObject: { n: 1, updatedExisting: true },
      value: returnNew ? shape(existing?.get(rid)) : before,
      ok: 1,
    };
  },
};
