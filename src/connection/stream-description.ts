// What a connection learned about its server from the handshake reply.
import { ObjectId, type Document } from '../bson.js';
import { MongoCompatibilityError, MongoRuntimeError } from '../errors.js';
import { DEFAULT_MAX_BSON_OBJECT_SIZE, DEFAULT_MAX_MESSAGE_SIZE_BYTES, type CompressorName } from '../wire/index.js';
import { negotiateCompressor } from './compression.js';
import { toNumber } from './reply.js';

/** Wire versions this driver speaks: MongoDB 4.2 (8) through 8.2 (27). */
export const MIN_SUPPORTED_WIRE_VERSION = 8;
export const MAX_SUPPORTED_WIRE_VERSION = 27;
export const MIN_SUPPORTED_SERVER_VERSION = '4.2';

export const DEFAULT_MAX_WRITE_BATCH_SIZE = 100_000;

export interface StreamDescription {
  readonly address: string;
  readonly minWireVersion: number;
  readonly maxWireVersion: number;
  readonly maxBsonObjectSize: number;
  readonly maxMessageSizeBytes: number;
  readonly maxWriteBatchSize: number;
  /** The negotiated compressor, if any. */
  readonly compressor: CompressorName | undefined;
  /** Load-balanced mode: the backing service this connection reached. */
  readonly serviceId: ObjectId | undefined;
  /** The server understood helloOk: monitoring may use `hello`. */
  readonly helloOk: boolean;
  /** The server's id for this connection (hello.connectionId). */
  readonly serverConnectionId: number | undefined;
  readonly logicalSessionTimeoutMinutes: number | undefined;
  /** The hello reply itself (SDAM builds its ServerDescription from it). */
  readonly hello: Document;
}

export interface DescribeOptions {
  address: string;
  compressors: readonly CompressorName[];
  loadBalanced: boolean;
}

export function describeStream(hello: Document, options: DescribeOptions): StreamDescription {
  const minWireVersion = toNumber(hello.minWireVersion) ?? 0;
  const maxWireVersion = toNumber(hello.maxWireVersion) ?? 0;
  if (minWireVersion > MAX_SUPPORTED_WIRE_VERSION) {
    throw new MongoCompatibilityError(
      `Server at ${options.address} requires wire version ${minWireVersion}, but this version of mongrove only supports up to ${MAX_SUPPORTED_WIRE_VERSION}`,
    );
  }
  if (maxWireVersion < MIN_SUPPORTED_WIRE_VERSION) {
    throw new MongoCompatibilityError(
      `Server at ${options.address} reports maximum wire version ${maxWireVersion}, but this version of mongrove requires at least ${MIN_SUPPORTED_WIRE_VERSION} (MongoDB ${MIN_SUPPORTED_SERVER_VERSION})`,
    );
  }
  let serviceId: ObjectId | undefined;
  if (options.loadBalanced) {
    if (!(hello.serviceId instanceof ObjectId)) {
      throw new MongoRuntimeError(
        // The first sentence is the spec's wording, which tests match verbatim.
        `Driver attempted to initialize in load balancing mode, but the server does not support this mode. (${options.address} sent no serviceId in its hello reply)`,
      );
    }
    serviceId = hello.serviceId;
  }
  return {
    address: options.address,
    minWireVersion,
    maxWireVersion,
    maxBsonObjectSize: toNumber(hello.maxBsonObjectSize) ?? DEFAULT_MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: toNumber(hello.maxMessageSizeBytes) ?? DEFAULT_MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: toNumber(hello.maxWriteBatchSize) ?? DEFAULT_MAX_WRITE_BATCH_SIZE,
    compressor: negotiateCompressor(options.compressors, hello.compression),
    serviceId,
    helloOk: hello.helloOk === true,
    serverConnectionId: toNumber(hello.connectionId),
    logicalSessionTimeoutMinutes: toNumber(hello.logicalSessionTimeoutMinutes),
    hello,
  };
}
