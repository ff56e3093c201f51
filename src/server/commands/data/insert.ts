// insert: ordered stops at the first write error; unordered carries on.
import type { Document } from '../../../bson.js';
import { isPlainDocument } from '../../query/bson-types.js';
import type { CommandHandler } from '../../types.js';
import { collectionName, isOrdered, requiredArray, wrongType, writeErrorEntry } from './common.js';

export const insertHandler: CommandHandler = {
  name: 'insert',
  run(command, context) {
    const coll = collectionName(command, 'insert');
    const documents = requiredArray(command, 'insert', 'documents');
    const ordered = isOrdered(command);
    const { collection } = context.server.storage.ensureCollection(context.dbName, coll);
    const writeErrors: Document[] = [];
    let n = 0;
    for (let i = 0; i < documents.length; i++) {
      const doc: unknown = documents[i];
      try {
        if (!isPlainDocument(doc)) throw wrongType('insert', `documents.${i}`, doc, 'object');
        collection.insert(doc);
        n++;
      } catch (error) {
        writeErrors.push(writeErrorEntry(i, error));
        if (ordered) break;
      }
    }
    return { n, ...(writeErrors.length > 0 ? { writeErrors } : {}), ok: 1 };
  },
};
