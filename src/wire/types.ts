// The wire protocol's message shapes, shared by the driver and the embedded server.
// Contract for src/wire/: other layers depend only on what is exported from src/wire/index.ts.
import type { DeserializeOptions, Document } from '../bson.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const DEFAULT_MAX_MESSAGE_SIZE_BYTES = 48_000_000;
export const DEFAULT_MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;

export type CompressorName = 'noop' | 'snappy' | 'zlib' | 'zstd';
export const COMPRESSOR_IDS: Readonly<Record<CompressorName, number>> = { noop: 0, snappy: 1, zlib: 2, zstd: 3 };

/** OP_MSG flag bits. */
export const MSG_FLAG_CHECKSUM_PRESENT = 1 << 0;
export const MSG_FLAG_MORE_TO_COME = 1 << 1;
export const MSG_FLAG_EXHAUST_ALLOWED = 1 << 16;

/** A kind-1 section: an identifier ("documents", "updates", "deletes", "ops", "nsInfo") and its documents. */
export interface DocumentSequence {
  identifier: string;
  documents: Document[];
}

/** A kind-1 section whose documents are already serialized (written once, e.g. insert batches). */
export interface SerializedDocumentSequence {
  identifier: string;
  /** Each document's BSON bytes. */
  serialized: Uint8Array[];
}

/** An OP_MSG to encode. */
export interface OpMsgRequest {
  opCode: typeof OP_MSG;
  requestId: number;
  responseTo: number;
  moreToCome?: boolean;
  exhaustAllowed?: boolean;
  /** Append a CRC-32C checksum. */
  checksum?: boolean;
  body: Document;
  sequences?: ReadonlyArray<DocumentSequence | SerializedDocumentSequence>;
}

/** An OP_QUERY (legacy; used only for the first handshake hello). */
export interface OpQueryMessage {
  opCode: typeof OP_QUERY;
  requestId: number;
  responseTo: number;
  flags: number;
  fullCollectionName: string;
  numberToSkip: number;
  numberToReturn: number;
  query: Document;
  returnFieldsSelector?: Document;
}

/** An OP_REPLY (legacy; the reply to an OP_QUERY). */
export interface OpReplyMessage {
  opCode: typeof OP_REPLY;
  requestId: number;
  responseTo: number;
  responseFlags: number;
  cursorId: bigint;
  startingFrom: number;
  documents: Document[];
}

/**
 * A decoded OP_MSG. The body's bytes are kept; `body()` deserializes on demand
 * (cached), so a caller that only needs `ok` or a cursor id need not parse all.
 */
export interface DecodedOpMsg {
  opCode: typeof OP_MSG;
  requestId: number;
  responseTo: number;
  flagBits: number;
  checksumPresent: boolean;
  moreToCome: boolean;
  exhaustAllowed: boolean;
  /** The kind-0 section's BSON bytes (a view into the frame, not a copy). */
  bodyBytes: Uint8Array;
  /** The decoded kind-0 body (parsed once, then cached). */
  body(): Document;
  sequences: DocumentSequence[];
}

export type DecodedMessage = DecodedOpMsg | OpQueryMessage | OpReplyMessage;
export type EncodableMessage = OpMsgRequest | OpQueryMessage | OpReplyMessage;

export interface EncodeOptions {
  /** Wrap in OP_COMPRESSED with this compressor (hello/auth commands must never be compressed: caller decides). */
  compressor?: CompressorName;
  /** zlib level -1..9. */
  zlibCompressionLevel?: number;
  /** Omit undefined values instead of writing them as null (BSON serialize option). */
  ignoreUndefined?: boolean;
}

export interface DecodeOptions {
  /** Largest frame accepted (default 48,000,000). */
  maxMessageSizeBytes?: number;
  /** Options for deserializing the body and sequence documents (bson defaults when absent). */
  deserializeOptions?: DeserializeOptions;
}
