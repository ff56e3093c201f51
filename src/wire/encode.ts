// Public encoders: the uncompressed message, optionally wrapped in OP_COMPRESSED.
import { MongoInvalidArgumentError } from '../errors.js';
import { compressAsync, compressorId, compressSync } from './compressors.js';
import { encodeOpQuery, encodeOpReply } from './encode-legacy.js';
import { encodeOpMsg } from './encode-op-msg.js';
import { HEADER_SIZE } from './header.js';
import type { SerializeSettings } from './writer.js';
import { OP_COMPRESSED, OP_MSG, OP_QUERY, OP_REPLY, type EncodableMessage, type EncodeOptions } from './types.js';

/** originalOpcode + uncompressedSize + compressorId. */
const COMPRESSED_PREFIX_SIZE = 9;

function encodeUncompressed(message: EncodableMessage, options: EncodeOptions | undefined): Buffer {
  const settings: SerializeSettings = { ignoreUndefined: options?.ignoreUndefined === true };
  switch (message.opCode) {
    case OP_MSG:
      return encodeOpMsg(message, settings);
    case OP_QUERY:
      return encodeOpQuery(message, settings);
    case OP_REPLY:
      return encodeOpReply(message, settings);
    default:
      throw new MongoInvalidArgumentError(`cannot encode opCode ${String((message as { opCode: unknown }).opCode)}`);
  }
}

function wrapCompressed(frame: Buffer, id: number, compressed: Uint8Array): Buffer {
  const length = HEADER_SIZE + COMPRESSED_PREFIX_SIZE + compressed.length;
  const buffer = Buffer.allocUnsafe(length);
  buffer.writeInt32LE(length, 0);
  frame.copy(buffer, 4, 4, 12);
  buffer.writeInt32LE(OP_COMPRESSED, 12);
  frame.copy(buffer, 16, 12, 16);
  buffer.writeInt32LE(frame.length - HEADER_SIZE, 20);
  buffer[24] = id;
  buffer.set(compressed, 25);
  return buffer;
}

/** Encodes one message. zstd needs encodeMessageAsync. The caller decides which messages may be compressed. */
export function encodeMessage(message: EncodableMessage, options?: EncodeOptions): Buffer {
  const frame = encodeUncompressed(message, options);
  const compressor = options?.compressor;
  if (compressor === undefined) return frame;
  const id = compressorId(compressor);
  return wrapCompressed(frame, id, compressSync(compressor, frame.subarray(HEADER_SIZE), options?.zlibCompressionLevel));
}

/** Like encodeMessage, with every compressor (zstd included) and compression off the main thread where possible. */
export async function encodeMessageAsync(message: EncodableMessage, options?: EncodeOptions): Promise<Buffer> {
  const frame = encodeUncompressed(message, options);
  const compressor = options?.compressor;
  if (compressor === undefined) return frame;
  const id = compressorId(compressor);
  return wrapCompressed(frame, id, await compressAsync(compressor, frame.subarray(HEADER_SIZE), options?.zlibCompressionLevel));
}
