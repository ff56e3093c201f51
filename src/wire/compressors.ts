// Compress and decompress OP_COMPRESSED payloads. zstd exists only as an async API,
// so the sync entry points refuse it and name the async one to use instead.
import { promisify } from 'node:util';
import { deflate, deflateSync, inflate, inflateSync } from 'node:zlib';
import { MongoCompatibilityError, MongoInvalidArgumentError, MongoMissingDependencyError, MongoWireProtocolError } from '../errors.js';
import { loadSnappy, loadZstd } from './optional-packages.js';
import { COMPRESSOR_IDS, type CompressorName } from './types.js';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** zstd's own default level: a good speed/ratio balance for small command messages. */
const ZSTD_LEVEL = 3;

const NAMES_BY_ID: ReadonlyMap<number, CompressorName> = new Map(
  (Object.entries(COMPRESSOR_IDS) as [CompressorName, number][]).map(([name, id]) => [id, name]),
);

export function compressorId(name: CompressorName): number {
  const id: unknown = Object.hasOwn(COMPRESSOR_IDS, name) ? COMPRESSOR_IDS[name] : undefined;
  if (typeof id !== 'number') {
    throw new MongoInvalidArgumentError(`unknown compressor '${String(name)}' (expected one of ${Object.keys(COMPRESSOR_IDS).join(', ')})`);
  }
  return id;
}

export function compressorName(id: number): CompressorName {
  const name = NAMES_BY_ID.get(id);
  if (name === undefined) throw new MongoWireProtocolError(`OP_COMPRESSED compressorId ${id} is unknown (expected 0-3)`);
  return name;
}

function zlibLevel(level: number | undefined): number {
  if (level === undefined) return -1;
  if (!Number.isInteger(level) || level < -1 || level > 9) {
    throw new MongoInvalidArgumentError(`zlibCompressionLevel must be an integer from -1 to 9, got ${level}`);
  }
  return level;
}

export function compressSync(name: CompressorName, data: Uint8Array, zlibCompressionLevel?: number): Uint8Array {
  switch (name) {
    case 'noop':
      return data;
    case 'zlib':
      return deflateSync(data, { level: zlibLevel(zlibCompressionLevel) });
    case 'snappy':
      return loadSnappy().compressSync(data);
    case 'zstd':
      throw new MongoCompatibilityError('zstd compression is only available asynchronously: use encodeMessageAsync');
    default:
      throw new MongoInvalidArgumentError(`unknown compressor '${String(name)}'`);
  }
}

export async function compressAsync(name: CompressorName, data: Uint8Array, zlibCompressionLevel?: number): Promise<Uint8Array> {
  switch (name) {
    case 'zlib':
      return deflateAsync(data, { level: zlibLevel(zlibCompressionLevel) });
    case 'snappy':
      return loadSnappy().compress(data);
    case 'zstd':
      return loadZstd().compress(asBuffer(data), ZSTD_LEVEL);
    default:
      return compressSync(name, data, zlibCompressionLevel);
  }
}

/** Decompresses `data`, failing with MongoWireProtocolError unless it yields exactly `expectedSize` bytes. */
export function decompressSync(id: number, data: Buffer, expectedSize: number): Buffer {
  const name = compressorName(id);
  if (name === 'zstd') {
    throw new MongoWireProtocolError('OP_COMPRESSED uses zstd, which can only be decompressed asynchronously: use decodeMessageAsync');
  }
  return checkSize(name, guard(name, () => decompressOneSync(name, data, expectedSize)), expectedSize);
}

export async function decompressAsync(id: number, data: Buffer, expectedSize: number): Promise<Buffer> {
  const name = compressorName(id);
  let output: Buffer;
  try {
    if (name === 'zlib') output = await inflateAsync(data, { maxOutputLength: Math.max(expectedSize, 1) });
    else if (name === 'zstd') output = await loadZstd().decompress(data);
    else if (name === 'snappy') {
      checkSnappyPreamble(data, expectedSize);
      output = toBuffer(await loadSnappy().uncompress(data, { asBuffer: true }));
    } else output = data;
  } catch (error) {
    throw wrapDecompressError(name, error);
  }
  return checkSize(name, output, expectedSize);
}

function decompressOneSync(name: CompressorName, data: Buffer, expectedSize: number): Buffer {
  if (name === 'zlib') return inflateSync(data, { maxOutputLength: Math.max(expectedSize, 1) });
  if (name === 'snappy') {
    checkSnappyPreamble(data, expectedSize);
    return toBuffer(loadSnappy().uncompressSync(data, { asBuffer: true }));
  }
  return data;
}

function guard(name: CompressorName, run: () => Buffer): Buffer {
  try {
    return run();
  } catch (error) {
    throw wrapDecompressError(name, error);
  }
}

function wrapDecompressError(name: CompressorName, error: unknown): Error {
  if (error instanceof MongoWireProtocolError || error instanceof MongoMissingDependencyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new MongoWireProtocolError(`OP_COMPRESSED ${name} payload could not be decompressed: ${reason}`, { cause: error });
}

function checkSize(name: CompressorName, output: Buffer, expectedSize: number): Buffer {
  if (output.length !== expectedSize) {
    throw new MongoWireProtocolError(
      `OP_COMPRESSED ${name} payload decompressed to ${output.length} bytes but uncompressedSize says ${expectedSize}`,
    );
  }
  return output;
}

/**
 * A raw snappy block starts with its uncompressed length as a varint. Checking it before
 * decompressing means a lying frame cannot make us allocate more than it declared.
 */
function checkSnappyPreamble(data: Uint8Array, expectedSize: number): void {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= data.length) break;
    const byte = data[i];
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (value !== expectedSize) {
        throw new MongoWireProtocolError(
          `OP_COMPRESSED snappy payload declares ${value} uncompressed bytes but uncompressedSize says ${expectedSize}`,
        );
      }
      return;
    }
  }
  throw new MongoWireProtocolError('OP_COMPRESSED snappy payload has no valid length preamble');
}

function toBuffer(output: string | Buffer): Buffer {
  if (typeof output === 'string') throw new MongoWireProtocolError('snappy returned a string where bytes were requested');
  return output;
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
