// Replies whose cursor batch carries stored documents' bytes (RawDocument):
// the OP_MSG is assembled by hand so those bytes are copied in as they are,
// never decoded and re-serialized. Everything else in the body is serialized
// field by field with the same settings the ordinary encoder uses.
import { serialize, type Document } from '../../bson.js';
import { MSG_FLAG_MORE_TO_COME, OP_MSG } from '../../wire/index.js';
import { isPlainDocument } from '../query/bson-types.js';
import { materialize, RawDocument } from '../storage/raw-document.js';

const BATCH_FIELDS = ['firstBatch', 'nextBatch'] as const;
const TYPE_DOCUMENT = 0x03;
const TYPE_ARRAY = 0x04;
const HEADER_SIZE = 16;

function rawBatch(body: Document): unknown[] | undefined {
  const cursor: unknown = body.cursor;
  if (!isPlainDocument(cursor)) return undefined;
  for (const field of BATCH_FIELDS) {
    const batch: unknown = cursor[field];
    if (Array.isArray(batch) && batch.some((doc) => doc instanceof RawDocument)) return batch;
  }
  return undefined;
}

/** Whether the reply holds stored bytes that the ordinary encoder cannot write. */
export function hasRawDocuments(body: Document): boolean {
  return rawBatch(body) !== undefined;
}

/** The reply with every RawDocument decoded (for OP_REPLY and compressed replies). */
export function materializeReply(body: Document): Document {
  if (!hasRawDocuments(body)) return body;
  const cursor = { ...(body.cursor as Document) };
  for (const field of BATCH_FIELDS) {
    const batch: unknown = cursor[field];
    if (Array.isArray(batch)) cursor[field] = batch.map((doc: Document | RawDocument) => materialize(doc));
  }
  return { ...body, cursor };
}

function int32(value: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeInt32LE(value, 0);
  return out;
}

/** One element's bytes (type, name, value), serialized as bson would inside a document. */
function element(name: string, value: unknown): Uint8Array {
  const bytes = serialize({ [name]: value }, { ignoreUndefined: true });
  return bytes.subarray(4, bytes.length - 1);
}

function documentOf(parts: Uint8Array[]): Uint8Array[] {
  let length = 5;
  for (const part of parts) length += part.length;
  return [int32(length), ...parts, Buffer.from([0])];
}

function namedElement(type: number, name: string, value: Uint8Array[]): Uint8Array[] {
  return [Buffer.from([type]), Buffer.from(`${name}\0`, 'utf8'), ...value];
}

function batchArray(batch: unknown[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  batch.forEach((doc, index) => {
    if (doc instanceof RawDocument) parts.push(...namedElement(TYPE_DOCUMENT, String(index), [doc.bytes]));
    else parts.push(element(String(index), doc));
  });
  return documentOf(parts);
}

function cursorDocument(cursor: Document): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(cursor)) {
    if ((name === 'firstBatch' || name === 'nextBatch') && Array.isArray(value)) parts.push(...namedElement(TYPE_ARRAY, name, batchArray(value)));
    else parts.push(element(name, value));
  }
  return documentOf(parts);
}

/** The reply body's BSON, stored documents copied in from their bytes. */
export function encodeBodyWithRaw(body: Document): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === 'cursor' && isPlainDocument(value)) parts.push(...namedElement(TYPE_DOCUMENT, name, cursorDocument(value)));
    else parts.push(element(name, value));
  }
  return documentOf(parts);
}

/** An uncompressed OP_MSG reply (flagBits: moreToCome only) around a body with stored bytes. */
export function encodeOpMsgWithRaw(body: Document, requestId: number, responseTo: number, moreToCome: boolean): Buffer {
  const bodyParts = encodeBodyWithRaw(body);
  let bodyLength = 0;
  for (const part of bodyParts) bodyLength += part.length;
  const head = Buffer.allocUnsafe(HEADER_SIZE + 5);
  head.writeInt32LE(HEADER_SIZE + 5 + bodyLength, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(OP_MSG, 12);
  head.writeUInt32LE(moreToCome ? MSG_FLAG_MORE_TO_COME : 0, 16);
  head[20] = 0;
  return Buffer.concat([head, ...bodyParts], HEADER_SIZE + 5 + bodyLength);
}
