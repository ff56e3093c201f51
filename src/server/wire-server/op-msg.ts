// Turns a decoded OP_MSG into the command the dispatcher runs: the body with
// every kind-1 document sequence merged in as an array field, and its $db.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { receivedDocuments, type DecodedOpMsg, type DocumentSequence } from '../../wire/index.js';
import { lazyDocumentArray } from './lazy-documents.js';
import { canonicalDocument, canonicalValue } from './canonical.js';

export interface OpMsgCommand {
  body: Document;
  dbName: string;
  bodyBytes: number;
}

/** The merged command, or a CommandError to reply with. */
/**
 * insert's documents go straight into storage, which serializes them: a numeric
 * wrapper and its canonical form serialize to the same bytes, so the (costly,
 * for a document with many fields) canonical pass over them is skipped.
 */
function storedAsIs(body: Document, field: string): boolean {
  return field === 'documents' && Object.keys(body)[0] === 'insert';
}

/** insert's documents: left as bytes until read, so storage can keep the bytes the client sent. */
function storedDocuments(sequence: DocumentSequence): unknown[] {
  const received = receivedDocuments(sequence);
  return received === undefined ? sequence.documents : lazyDocumentArray(received);
}

export function commandFromOpMsg(message: DecodedOpMsg): OpMsgCommand {
  const body = message.body();
  for (const key of Object.keys(body)) if (!storedAsIs(body, key)) body[key] = canonicalValue(body[key]);
  for (const sequence of message.sequences) {
    if (Object.hasOwn(body, sequence.identifier)) {
      throw new CommandError(
        ErrorCodes.BadValue,
        `Duplicate field '${sequence.identifier}': it appears both in the command body and as a document sequence`,
      );
    }
    body[sequence.identifier] = storedAsIs(body, sequence.identifier) ? storedDocuments(sequence) : sequence.documents.map(canonicalDocument);
  }
  const dbName = body.$db;
  if (typeof dbName !== 'string' || dbName.length === 0) {
    throw new CommandError(40571, 'OP_MSG requests require a $db argument');
  }
  return { body, dbName, bodyBytes: message.bodyBytes.length };
}

/** The command's name (its first key). */
export function commandNameOf(body: Document): string {
  return Object.keys(body)[0] ?? '';
}
