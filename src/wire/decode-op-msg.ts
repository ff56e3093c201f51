// OP_MSG decoding: strict structural validation up front, the body kept as bytes
// and deserialized only when asked for (once). A sequence document is deserialized
// eagerly unless a walk of its bytes shows bson would accept it and give back the same
// bytes (bson-inspect): those stay bytes (a receiver may store them as they are) and are
// deserialized only when the sequence's documents are read.
import type { DeserializeOptions, Document } from '../bson.js';
import { MongoWireProtocolError } from '../errors.js';
import { crc32c } from './crc32c.js';
import { HEADER_SIZE, type MessageHeader } from './header.js';
import { isStorableAsIs } from './bson-inspect.js';
import { documentEnd, readDocument } from './read-document.js';
import {
  MSG_FLAG_CHECKSUM_PRESENT,
  MSG_FLAG_EXHAUST_ALLOWED,
  MSG_FLAG_MORE_TO_COME,
  OP_MSG,
  type DecodedOpMsg,
  type DocumentSequence,
} from './types.js';

/** Bits 0-15 are "required": a receiver must reject any it does not know. */
const REQUIRED_BITS = 0xffff;
const KNOWN_REQUIRED_BITS = MSG_FLAG_CHECKSUM_PRESENT | MSG_FLAG_MORE_TO_COME;
/** flagBits + kind byte + smallest document. */
const MIN_OP_MSG_LENGTH = HEADER_SIZE + 4 + 1 + 5;

class LazyOpMsg implements DecodedOpMsg {
  readonly opCode = OP_MSG;
  readonly checksumPresent: boolean;
  readonly moreToCome: boolean;
  readonly exhaustAllowed: boolean;
  #body: Document | undefined;

  constructor(
    readonly requestId: number,
    readonly responseTo: number,
    readonly flagBits: number,
    readonly bodyBytes: Uint8Array,
    readonly sequences: DocumentSequence[],
    private readonly deserializeOptions: DeserializeOptions | undefined,
  ) {
    this.checksumPresent = (flagBits & MSG_FLAG_CHECKSUM_PRESENT) !== 0;
    this.moreToCome = (flagBits & MSG_FLAG_MORE_TO_COME) !== 0;
    this.exhaustAllowed = (flagBits & MSG_FLAG_EXHAUST_ALLOWED) !== 0;
  }

  body(): Document {
    this.#body ??= readDocument(this.bodyBytes, this.deserializeOptions, 'OP_MSG body');
    return this.#body;
  }
}

export function decodeOpMsg(frame: Buffer, header: MessageHeader, deserializeOptions: DeserializeOptions | undefined): DecodedOpMsg {
  if (frame.length < MIN_OP_MSG_LENGTH) {
    throw new MongoWireProtocolError(`OP_MSG of ${frame.length} bytes is shorter than the minimum ${MIN_OP_MSG_LENGTH} (header, flagBits, one body section)`);
  }
  const flagBits = frame.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flagBits & REQUIRED_BITS & ~KNOWN_REQUIRED_BITS;
  if (unknownRequired !== 0) {
    throw new MongoWireProtocolError(`OP_MSG flagBits 0x${flagBits.toString(16)} set unknown required bits 0x${unknownRequired.toString(16)}`);
  }
  let sectionsEnd = frame.length;
  if ((flagBits & MSG_FLAG_CHECKSUM_PRESENT) !== 0) {
    if (frame.length < MIN_OP_MSG_LENGTH + 4) {
      throw new MongoWireProtocolError(`OP_MSG of ${frame.length} bytes is too short to hold sections and the checksum its flagBits announce`);
    }
    sectionsEnd -= 4;
    verifyChecksum(frame, sectionsEnd);
  }

  let bodyBytes: Uint8Array | undefined;
  const sequences: DocumentSequence[] = [];
  let offset = HEADER_SIZE + 4;
  while (offset < sectionsEnd) {
    const kind = frame[offset];
    if (kind === 0) {
      if (bodyBytes !== undefined) throw new MongoWireProtocolError(`OP_MSG has a second kind-0 (body) section at offset ${offset}; exactly one is allowed`);
      const end = documentEnd(frame, offset + 1, sectionsEnd, 'OP_MSG body document');
      bodyBytes = frame.subarray(offset + 1, end);
      offset = end;
    } else if (kind === 1) {
      offset = decodeSequence(frame, offset + 1, sectionsEnd, sequences, deserializeOptions);
    } else {
      throw new MongoWireProtocolError(`OP_MSG section at offset ${offset} has unknown kind ${kind} (only 0 and 1 exist)`);
    }
  }
  if (bodyBytes === undefined) throw new MongoWireProtocolError('OP_MSG has no kind-0 (body) section');
  return new LazyOpMsg(header.requestId, header.responseTo, flagBits, bodyBytes, sequences, deserializeOptions);
}

function verifyChecksum(frame: Buffer, checksumOffset: number): void {
  const carried = frame.readUInt32LE(checksumOffset);
  const computed = crc32c(frame.subarray(0, checksumOffset));
  if (carried !== computed) {
    throw new MongoWireProtocolError(`OP_MSG checksum mismatch: message carries CRC-32C 0x${carried.toString(16)} but its bytes give 0x${computed.toString(16)}`);
  }
}

/** Decodes the kind-1 payload at `start` (after the kind byte); returns the offset after it. */
function decodeSequence(
  frame: Buffer,
  start: number,
  limit: number,
  sequences: DocumentSequence[],
  deserializeOptions: DeserializeOptions | undefined,
): number {
  const remaining = limit - start;
  if (remaining < 4) throw new MongoWireProtocolError(`OP_MSG kind-1 section at offset ${start - 1} is truncated: ${remaining} bytes left, its size field needs 4`);
  const size = frame.readInt32LE(start);
  if (size < 5) throw new MongoWireProtocolError(`OP_MSG kind-1 section at offset ${start - 1} declares size ${size}, below the minimum 5`);
  if (size > remaining) {
    throw new MongoWireProtocolError(`OP_MSG kind-1 section at offset ${start - 1} declares size ${size} but only ${remaining} bytes remain`);
  }
  const end = start + size;
  const terminator = frame.subarray(start + 4, end).indexOf(0);
  if (terminator < 0) throw new MongoWireProtocolError(`OP_MSG kind-1 section at offset ${start - 1} has an identifier without a NUL terminator`);
  if (terminator === 0) throw new MongoWireProtocolError(`OP_MSG kind-1 section at offset ${start - 1} has an empty identifier`);
  const identifier = frame.toString('utf8', start + 4, start + 4 + terminator);
  if (sequences.some((sequence) => sequence.identifier === identifier)) {
    throw new MongoWireProtocolError(`OP_MSG has two kind-1 sections with identifier '${identifier}'; identifiers must be unique`);
  }
  const raw: Array<Uint8Array | undefined> = [];
  const decoded: Array<Document | undefined> = [];
  let offset = start + 4 + terminator + 1;
  while (offset < end) {
    const what = `document ${raw.length} of OP_MSG sequence '${identifier}'`;
    const documentStop = documentEnd(frame, offset, end, what);
    const bytes = frame.subarray(offset, documentStop);
    if (isStorableAsIs(bytes)) {
      raw.push(bytes);
      decoded.push(undefined);
    } else {
      raw.push(undefined);
      decoded.push(readDocument(bytes, deserializeOptions, what));
    }
    offset = documentStop;
  }
  sequences.push(receivedSequence(identifier, raw, decoded, deserializeOptions));
  return end;
}

/** What a received sequence keeps besides its plain `{ identifier, documents }` shape. */
export interface ReceivedDocuments {
  /** Each document's bytes (a view into the frame) when they equal its deserialize-then-serialize form, else undefined. */
  readonly raw: ReadonlyArray<Uint8Array | undefined>;
  /** Document `index`, deserialized (once) with the message's options. */
  documentAt(index: number): Document;
}

const received = new WeakMap<DocumentSequence, ReceivedDocuments>();

/** The bytes-level view of a sequence decodeMessage produced (undefined for any other sequence). */
export function receivedDocuments(sequence: DocumentSequence): ReceivedDocuments | undefined {
  return received.get(sequence);
}

function receivedSequence(
  identifier: string,
  raw: Array<Uint8Array | undefined>,
  decoded: Array<Document | undefined>,
  deserializeOptions: DeserializeOptions | undefined,
): DocumentSequence {
  const documentAt = (index: number): Document => {
    let document = decoded[index];
    if (document === undefined) {
      document = readDocument(raw[index] ?? new Uint8Array(0), deserializeOptions, `document ${index} of OP_MSG sequence '${identifier}'`);
      decoded[index] = document;
    }
    return document;
  };
  let documents: Document[] | undefined;
  // A plain object (callers compare and spread sequences), with `documents` decoded on first read.
  const sequence = { identifier } as DocumentSequence;
  Object.defineProperty(sequence, 'documents', {
    enumerable: true,
    configurable: true,
    get: () => (documents ??= decoded.map((_, index) => documentAt(index))),
    set: (value: Document[]) => {
      documents = value;
      received.delete(sequence);
    },
  });
  received.set(sequence, { raw, documentAt });
  return sequence;
}
