// OP_MSG encoding: assembled in the shared scratch writer (each document serialized once,
// pre-serialized sequences copied as-is), lengths patched in afterwards, copied out once.
import { MongoInvalidArgumentError } from '../errors.js';
import { crc32c } from './crc32c.js';
import {
  MSG_FLAG_CHECKSUM_PRESENT,
  MSG_FLAG_EXHAUST_ALLOWED,
  MSG_FLAG_MORE_TO_COME,
  OP_MSG,
  type DocumentSequence,
  type OpMsgRequest,
  type SerializedDocumentSequence,
} from './types.js';
import { withWriter, type MessageWriter, type SerializeSettings } from './writer.js';

function isSerialized(sequence: DocumentSequence | SerializedDocumentSequence): sequence is SerializedDocumentSequence {
  return Array.isArray((sequence as Partial<SerializedDocumentSequence>).serialized);
}

function checkIdentifier(identifier: unknown): string {
  if (typeof identifier !== 'string' || identifier.length === 0 || identifier.includes('\0')) {
    throw new MongoInvalidArgumentError(`OP_MSG sequence identifier must be a non-empty string without NUL bytes, got ${JSON.stringify(identifier)}`);
  }
  return identifier;
}

function flagBitsOf(message: OpMsgRequest): number {
  let flags = 0;
  if (message.checksum === true) flags |= MSG_FLAG_CHECKSUM_PRESENT;
  if (message.moreToCome === true) flags |= MSG_FLAG_MORE_TO_COME;
  if (message.exhaustAllowed === true) flags |= MSG_FLAG_EXHAUST_ALLOWED;
  return flags >>> 0;
}

export function encodeOpMsg(message: OpMsgRequest, settings: SerializeSettings): Buffer {
  return withWriter((writer) => {
    writer.reserve(4); // messageLength, patched at the end
    writer.int32(message.requestId);
    writer.int32(message.responseTo);
    writer.int32(OP_MSG);
    writer.uint32(flagBitsOf(message));
    writer.byte(0);
    writer.document(message.body, settings, 'OP_MSG body');
    for (const sequence of message.sequences ?? []) writeSequence(writer, sequence, settings);
    const checksum = message.checksum === true;
    writer.patchInt32(0, writer.length + (checksum ? 4 : 0));
    if (checksum) writer.uint32(crc32c(writer.buffer.subarray(0, writer.length)));
  });
}

function writeSequence(writer: MessageWriter, sequence: DocumentSequence | SerializedDocumentSequence, settings: SerializeSettings): void {
  const identifier = checkIdentifier(sequence.identifier);
  writer.byte(1);
  const sizeAt = writer.reserve(4);
  writer.cstring(identifier);
  if (isSerialized(sequence)) {
    const { serialized } = sequence;
    for (let index = 0; index < serialized.length; index++) {
      const bytes = serialized[index];
      const declared = bytes.length >= 5 ? bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24) : -1;
      if (declared !== bytes.length) {
        throw new MongoInvalidArgumentError(`serialized document ${index} of sequence '${identifier}' is not one BSON document (${bytes.length} bytes, length field ${declared})`);
      }
      writer.bytes(bytes);
    }
  } else {
    if (!Array.isArray(sequence.documents)) {
      throw new MongoInvalidArgumentError(`sequence '${identifier}' needs a documents array or a serialized array`);
    }
    const { documents } = sequence;
    for (let i = 0; i < documents.length; i++) writer.document(documents[i], settings, `document ${i} of sequence '${identifier}'`);
  }
  writer.patchInt32(sizeAt, writer.length - sizeAt);
}
