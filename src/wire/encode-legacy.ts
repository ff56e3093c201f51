// OP_QUERY (the first handshake hello) and OP_REPLY (its answer, written by the embedded server).
import { MongoInvalidArgumentError } from '../errors.js';
import { OP_QUERY, OP_REPLY, type OpQueryMessage, type OpReplyMessage } from './types.js';
import { withWriter, type MessageWriter, type SerializeSettings } from './writer.js';

function writeHeader(writer: MessageWriter, requestId: number, responseTo: number, opCode: number): void {
  writer.reserve(4); // messageLength, patched at the end
  writer.int32(requestId);
  writer.int32(responseTo);
  writer.int32(opCode);
}

export function encodeOpQuery(message: OpQueryMessage, settings: SerializeSettings): Buffer {
  const name = message.fullCollectionName;
  if (typeof name !== 'string' || name.includes('\0')) {
    throw new MongoInvalidArgumentError(`OP_QUERY fullCollectionName must be a string without NUL bytes, got ${JSON.stringify(name)}`);
  }
  return withWriter((writer) => {
    writeHeader(writer, message.requestId, message.responseTo, OP_QUERY);
    writer.int32(message.flags);
    writer.cstring(name);
    writer.int32(message.numberToSkip);
    writer.int32(message.numberToReturn);
    writer.document(message.query, settings, 'OP_QUERY query');
    if (message.returnFieldsSelector !== undefined) writer.document(message.returnFieldsSelector, settings, 'OP_QUERY returnFieldsSelector');
    writer.patchInt32(0, writer.length);
  });
}

export function encodeOpReply(message: OpReplyMessage, settings: SerializeSettings): Buffer {
  return withWriter((writer) => {
    writeHeader(writer, message.requestId, message.responseTo, OP_REPLY);
    writer.int32(message.responseFlags);
    writer.buffer.writeBigInt64LE(BigInt.asIntN(64, message.cursorId), writer.reserve(8));
    writer.int32(message.startingFrom);
    writer.int32(message.documents.length);
    message.documents.forEach((document, index) => writer.document(document, settings, `OP_REPLY document ${index}`));
    writer.patchInt32(0, writer.length);
  });
}
