// insert: ordered stops at the first write error; unordered carries on.
import type { Document } from '../../../bson.js';
import { isPlainDocument } from '../../query/bson-types.js';
import { viewWriteError } from '../../query/views.js';
import type { CommandHandler } from '../../types.js';
import { unreadDocumentBytes } from '../../wire-server/lazy-documents.js';
import { collectionName, isOrdered, requiredArray, wrongType, writeErrorEntry } from './common.js';

export const insertHandler: CommandHandler = {
  name: 'insert',
  run(command, context) {
    const coll = collectionName(command, 'insert');
    const documents = requiredArray(command, 'insert', 'documents');
    const ordered = isOrdered(command);
    // A view fails each document as a write error (mongod's performInserts), so no collection is created.
    const viewError = viewWriteError(context.server.storage, context.dbName, coll);
    if (viewError !== undefined) {
      const writeErrors = (ordered ? documents.slice(0, 1) : documents).map((_doc, i) => writeErrorEntry(i, viewError));
      return { n: 0, writeErrors, ok: 1 };
    }
    const { collection } = context.server.storage.ensureCollection(context.dbName, coll);
    const writeErrors: Document[] = [];
    const raw = collection.acceptsRawInserts;
    let n = 0;
    for (let i = 0; i < documents.length; i++) {
      try {
        // Bytes the client sent, when no one has read the document: stored without decoding it.
        const bytes = raw ? unreadDocumentBytes(documents, i) : undefined;
        if (bytes !== undefined) {
          collection.insertRaw(bytes);
          n++;
          continue;
        }
        const doc: unknown = documents[i];
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
