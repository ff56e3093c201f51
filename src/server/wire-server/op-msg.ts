// Turns a decoded OP_MSG into the command the dispatcher runs: the body with
// every kind-1 document sequence merged in as an array field, and its $db.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { DecodedOpMsg } from '../../wire/index.js';
import { canonicalDocument } from './canonical.js';

export interface OpMsgCommand {
  body: Document;
  dbName: string;
  bodyBytes: number;
}

/** The merged command, or a CommandError to reply with. */
export function commandFromOpMsg(message: DecodedOpMsg): OpMsgCommand {
  const body = canonicalDocument(message.body());
  for (const sequence of message.sequences) {
    if (Object.hasOwn(body, sequence.identifier)) {
      throw new CommandError(
        ErrorCodes.BadValue,
        `Duplicate field '${sequence.identifier}': it appears both in the command body and as a document sequence`,
      );
    }
    body[sequence.identifier] = sequence.documents.map(canonicalDocument);
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
