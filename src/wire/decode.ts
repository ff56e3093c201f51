// Public decoders: one whole frame in, a typed message out, or a MongoWireProtocolError
// naming what was wrong. OP_COMPRESSED is unwrapped into a rebuilt frame and decoded again.
import type { DeserializeOptions } from '../bson.js';
import { MongoWireProtocolError } from '../errors.js';
import { compressorName, decompressAsync, decompressSync } from './compressors.js';
import { decodeOpQuery, decodeOpReply } from './decode-legacy.js';
import { decodeOpMsg } from './decode-op-msg.js';
import { checkMessageLength, HEADER_SIZE, readHeader, type MessageHeader } from './header.js';
import {
  DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  OP_COMPRESSED,
  OP_MSG,
  OP_QUERY,
  OP_REPLY,
  type DecodedMessage,
  type DecodeOptions,
} from './types.js';

/** originalOpcode + uncompressedSize + compressorId. */
const COMPRESSED_PREFIX_SIZE = 9;
const WRAPPABLE_OPCODES: ReadonlySet<number> = new Set([OP_MSG, OP_QUERY, OP_REPLY]);

interface CompressedEnvelope {
  header: MessageHeader;
  originalOpcode: number;
  uncompressedSize: number;
  compressorId: number;
  payload: Buffer;
}

function asBuffer(frame: Uint8Array): Buffer {
  if (!(frame instanceof Uint8Array)) throw new MongoWireProtocolError('a frame must be a Buffer or Uint8Array');
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

function maxSizeOf(options: DecodeOptions | undefined): number {
  return options?.maxMessageSizeBytes ?? DEFAULT_MAX_MESSAGE_SIZE_BYTES;
}

function checkedHeader(frame: Buffer, options: DecodeOptions | undefined): MessageHeader {
  const header = readHeader(frame);
  checkMessageLength(header.messageLength, maxSizeOf(options));
  if (header.messageLength !== frame.length) {
    throw new MongoWireProtocolError(`messageLength ${header.messageLength} does not match the frame's ${frame.length} bytes`);
  }
  return header;
}

function decodeUncompressed(frame: Buffer, header: MessageHeader, options: DeserializeOptions | undefined): DecodedMessage {
  switch (header.opCode) {
    case OP_MSG:
      return decodeOpMsg(frame, header, options);
    case OP_QUERY:
      return decodeOpQuery(frame, header, options);
    case OP_REPLY:
      return decodeOpReply(frame, header, options);
    default:
      throw new MongoWireProtocolError(`unknown opCode ${header.opCode}`);
  }
}

function openEnvelope(frame: Buffer, header: MessageHeader, options: DecodeOptions | undefined): CompressedEnvelope {
  if (frame.length < HEADER_SIZE + COMPRESSED_PREFIX_SIZE) {
    throw new MongoWireProtocolError(`OP_COMPRESSED of ${frame.length} bytes is shorter than its ${HEADER_SIZE + COMPRESSED_PREFIX_SIZE}-byte fixed part`);
  }
  const originalOpcode = frame.readInt32LE(16);
  const uncompressedSize = frame.readInt32LE(20);
  const compressorId = frame[24];
  if (originalOpcode === OP_COMPRESSED) throw new MongoWireProtocolError('OP_COMPRESSED wraps another OP_COMPRESSED');
  if (!WRAPPABLE_OPCODES.has(originalOpcode)) throw new MongoWireProtocolError(`OP_COMPRESSED wraps unknown opCode ${originalOpcode}`);
  if (uncompressedSize < 0) throw new MongoWireProtocolError(`OP_COMPRESSED uncompressedSize ${uncompressedSize} is negative`);
  const max = maxSizeOf(options);
  if (uncompressedSize + HEADER_SIZE > max) {
    throw new MongoWireProtocolError(`OP_COMPRESSED uncompressedSize ${uncompressedSize} makes a message over maxMessageSizeBytes ${max}`);
  }
  compressorName(compressorId);
  return { header, originalOpcode, uncompressedSize, compressorId, payload: frame.subarray(HEADER_SIZE + COMPRESSED_PREFIX_SIZE) };
}

/** The wrapped message as it would have been sent uncompressed, so checksums verify over the same bytes. */
function rebuildFrame(envelope: CompressedEnvelope, uncompressed: Buffer, options: DecodeOptions | undefined): DecodedMessage {
  const length = HEADER_SIZE + uncompressed.length;
  const frame = Buffer.allocUnsafe(length);
  frame.writeInt32LE(length, 0);
  frame.writeInt32LE(envelope.header.requestId, 4);
  frame.writeInt32LE(envelope.header.responseTo, 8);
  frame.writeInt32LE(envelope.originalOpcode, 12);
  frame.set(uncompressed, HEADER_SIZE);
  const header: MessageHeader = { ...envelope.header, messageLength: length, opCode: envelope.originalOpcode };
  return decodeUncompressed(frame, header, options?.deserializeOptions);
}

/** Decodes one whole message (header included). zstd-compressed frames need decodeMessageAsync. */
export function decodeMessage(frame: Buffer, options?: DecodeOptions): DecodedMessage {
  const bytes = asBuffer(frame);
  const header = checkedHeader(bytes, options);
  if (header.opCode !== OP_COMPRESSED) return decodeUncompressed(bytes, header, options?.deserializeOptions);
  const envelope = openEnvelope(bytes, header, options);
  return rebuildFrame(envelope, decompressSync(envelope.compressorId, envelope.payload, envelope.uncompressedSize), options);
}

/** Like decodeMessage, with every compressor (zstd included). */
export async function decodeMessageAsync(frame: Buffer, options?: DecodeOptions): Promise<DecodedMessage> {
  const bytes = asBuffer(frame);
  const header = checkedHeader(bytes, options);
  if (header.opCode !== OP_COMPRESSED) return decodeUncompressed(bytes, header, options?.deserializeOptions);
  const envelope = openEnvelope(bytes, header, options);
  return rebuildFrame(envelope, await decompressAsync(envelope.compressorId, envelope.payload, envelope.uncompressedSize), options);
}
