// OP_QUERY and OP_REPLY decoding (legacy opcodes kept for the first handshake).
import type { DeserializeOptions, Document } from '../bson.js';
import { MongoWireProtocolError } from '../errors.js';
import { HEADER_SIZE, type MessageHeader } from './header.js';
import { documentEnd, readDocument } from './read-document.js';
import { OP_QUERY, OP_REPLY, type OpQueryMessage, type OpReplyMessage } from './types.js';

/** flags + empty cstring + skip + return + smallest query document. */
const MIN_OP_QUERY_LENGTH = HEADER_SIZE + 4 + 1 + 8 + 5;
/** responseFlags + cursorId + startingFrom + numberReturned. */
const OP_REPLY_FIXED_LENGTH = HEADER_SIZE + 20;

export function decodeOpQuery(frame: Buffer, header: MessageHeader, options: DeserializeOptions | undefined): OpQueryMessage {
  if (frame.length < MIN_OP_QUERY_LENGTH) {
    throw new MongoWireProtocolError(`OP_QUERY of ${frame.length} bytes is shorter than the minimum ${MIN_OP_QUERY_LENGTH}`);
  }
  const flags = frame.readInt32LE(HEADER_SIZE);
  const nameStart = HEADER_SIZE + 4;
  const terminator = frame.subarray(nameStart).indexOf(0);
  if (terminator < 0) throw new MongoWireProtocolError('OP_QUERY fullCollectionName has no NUL terminator');
  const fullCollectionName = frame.toString('utf8', nameStart, nameStart + terminator);
  let offset = nameStart + terminator + 1;
  if (frame.length - offset < 8 + 5) {
    throw new MongoWireProtocolError(`OP_QUERY is truncated after fullCollectionName: ${frame.length - offset} bytes left, needs at least 13`);
  }
  const numberToSkip = frame.readInt32LE(offset);
  const numberToReturn = frame.readInt32LE(offset + 4);
  offset += 8;
  const queryEnd = documentEnd(frame, offset, frame.length, 'OP_QUERY query document');
  const query = readDocument(frame.subarray(offset, queryEnd), options, 'OP_QUERY query document');
  const message: OpQueryMessage = {
    opCode: OP_QUERY,
    requestId: header.requestId,
    responseTo: header.responseTo,
    flags,
    fullCollectionName,
    numberToSkip,
    numberToReturn,
    query,
  };
  if (queryEnd < frame.length) {
    const selectorEnd = documentEnd(frame, queryEnd, frame.length, 'OP_QUERY returnFieldsSelector document');
    if (selectorEnd !== frame.length) {
      throw new MongoWireProtocolError(`OP_QUERY has ${frame.length - selectorEnd} unexpected bytes after returnFieldsSelector`);
    }
    message.returnFieldsSelector = readDocument(frame.subarray(queryEnd, selectorEnd), options, 'OP_QUERY returnFieldsSelector document');
  }
  return message;
}

export function decodeOpReply(frame: Buffer, header: MessageHeader, options: DeserializeOptions | undefined): OpReplyMessage {
  if (frame.length < OP_REPLY_FIXED_LENGTH) {
    throw new MongoWireProtocolError(`OP_REPLY of ${frame.length} bytes is shorter than its ${OP_REPLY_FIXED_LENGTH}-byte fixed part`);
  }
  const numberReturned = frame.readInt32LE(32);
  if (numberReturned < 0) throw new MongoWireProtocolError(`OP_REPLY numberReturned ${numberReturned} is negative`);
  const documents: Document[] = [];
  let offset = OP_REPLY_FIXED_LENGTH;
  while (offset < frame.length) {
    const what = `OP_REPLY document ${documents.length}`;
    if (documents.length >= numberReturned) {
      throw new MongoWireProtocolError(`OP_REPLY has bytes after its ${numberReturned} documents (numberReturned)`);
    }
    const end = documentEnd(frame, offset, frame.length, what);
    documents.push(readDocument(frame.subarray(offset, end), options, what));
    offset = end;
  }
  if (documents.length !== numberReturned) {
    throw new MongoWireProtocolError(`OP_REPLY numberReturned is ${numberReturned} but it holds ${documents.length} documents`);
  }
  return {
    opCode: OP_REPLY,
    requestId: header.requestId,
    responseTo: header.responseTo,
    responseFlags: frame.readInt32LE(HEADER_SIZE),
    cursorId: frame.readBigInt64LE(20),
    startingFrom: frame.readInt32LE(28),
    documents,
  };
}
