// A command reply kept as bytes. Top-level fields are indexed on first use
// without deserializing the body; `ok`, `cursor.id` and batches are read on
// demand, and `body()` parses the whole document once, only if asked.
import { BSON, Long, type Document } from '../bson.js';
import { MongoServerError, MongoWireProtocolError } from '../errors.js';
import { decodeDocument } from '../wire/bson-decode/index.js';
import type { DocumentSequence } from '../wire/index.js';

/** [type, nameOffset, nameLength, valueOffset, valueLength], as bson's onDemand parser gives them. */
type Element = readonly [number, number, number, number, number];

const BSON_DOUBLE = 1;
const BSON_STRING = 2;
const BSON_DOCUMENT = 3;
const BSON_ARRAY = 4;
const BSON_BOOLEAN = 8;
const BSON_NULL = 10;
const BSON_INT32 = 16;
const BSON_INT64 = 18;

const { parseToElements, ByteUtils, NumberUtils } = BSON.onDemand;

function indexElements(bytes: Uint8Array, offset = 0): Map<string, Element> {
  const index = new Map<string, Element>();
  let elements: Iterable<Element>;
  try {
    elements = parseToElements(bytes, offset) as Iterable<Element>;
  } catch (error) {
    throw new MongoWireProtocolError(`reply is not valid BSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  for (const element of elements) {
    const name = ByteUtils.toUTF8(bytes, element[1], element[1] + element[2], false);
    if (!index.has(name)) index.set(name, element);
  }
  return index;
}

/** Reads a scalar element directly; undefined for kinds that need the full parser. */
function readScalar(bytes: Uint8Array, element: Element): { value: unknown } | undefined {
  const [type, , , offset, length] = element;
  switch (type) {
    case BSON_DOUBLE:
      return { value: NumberUtils.getFloat64LE(bytes, offset) };
    case BSON_INT32:
      return { value: NumberUtils.getInt32LE(bytes, offset) };
    case BSON_INT64:
      return { value: NumberUtils.getBigInt64LE(bytes, offset) };
    case BSON_BOOLEAN:
      return { value: bytes[offset] === 1 };
    case BSON_NULL:
      return { value: null };
    case BSON_STRING:
      return { value: ByteUtils.toUTF8(bytes, offset + 4, offset + length - 1, false) };
    default:
      return undefined;
  }
}

function embedded(bytes: Uint8Array, element: Element): Uint8Array {
  return bytes.subarray(element[3], element[3] + element[4]);
}

export class Reply {
  private index: Map<string, Element> | undefined;
  private parsed: Document | undefined;

  constructor(
    /** The body's BSON bytes (an OP_MSG kind-0 section or an OP_REPLY document). */
    readonly bytes: Uint8Array,
    /** Kind-1 sections of the reply, if the server sent any. */
    readonly sequences: readonly DocumentSequence[] = [],
    /** The server will send more replies to this request (exhaust). */
    readonly moreToCome = false,
  ) {}

  /** A reply built from an already-parsed document (legacy OP_REPLY, tests). */
  static fromDocument(document: Document): Reply {
    const reply = new Reply(BSON.serialize(document));
    reply.parsed = document;
    return reply;
  }

  private elements(): Map<string, Element> {
    this.index ??= indexElements(this.bytes);
    return this.index;
  }

  /** True when the top-level `ok` is 1 (read without parsing the body). */
  get ok(): boolean {
    const value = this.get('ok');
    if (typeof value === 'number') return value === 1;
    if (typeof value === 'bigint') return value === 1n;
    if (typeof value === 'boolean') return value;
    return false;
  }

  has(field: string): boolean {
    return this.elements().has(field);
  }

  /** One top-level field: scalars are read in place; documents/arrays parse only themselves. */
  get(field: string): unknown {
    if (this.parsed !== undefined) return this.parsed[field];
    const element = this.elements().get(field);
    if (element === undefined) return undefined;
    const scalar = readScalar(this.bytes, element);
    if (scalar !== undefined) return scalar.value;
    if (element[0] === BSON_DOCUMENT) return decodeDocument(embedded(this.bytes, element));
    if (element[0] === BSON_ARRAY) return Object.values(decodeDocument(embedded(this.bytes, element)));
    return this.body()[field];
  }

  /** The whole body, parsed once (by the fast decoder: bson's results, faster on batches). */
  body(): Document {
    this.parsed ??= decodeDocument(this.bytes);
    return this.parsed;
  }

  /** `cursor.id` as a bigint (0n when exhausted), or undefined when there is no cursor. */
  get cursorId(): bigint | undefined {
    const cursor = this.cursorElements();
    if (cursor === undefined) return undefined;
    const element = cursor.index.get('id');
    if (element === undefined) return undefined;
    const value = readScalar(cursor.bytes, element)?.value;
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number') return BigInt(value);
    return undefined;
  }

  /** `cursor.ns`, when present. */
  get cursorNamespace(): string | undefined {
    const cursor = this.cursorElements();
    const element = cursor?.index.get('ns');
    if (cursor === undefined || element === undefined) return undefined;
    const value = readScalar(cursor.bytes, element)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  /** The cursor's firstBatch or nextBatch, parsing only that array. */
  batch(): Document[] {
    const cursor = this.cursorElements();
    if (cursor === undefined) return [];
    const element = cursor.index.get('firstBatch') ?? cursor.index.get('nextBatch');
    if (element === undefined || element[0] !== BSON_ARRAY) return [];
    return Object.values(decodeDocument(embedded(cursor.bytes, element))) as Document[];
  }

  private cursorElements(): { bytes: Uint8Array; index: Map<string, Element> } | undefined {
    const element = this.elements().get('cursor');
    if (element === undefined || element[0] !== BSON_DOCUMENT) return undefined;
    const bytes = embedded(this.bytes, element);
    return { bytes, index: indexElements(bytes) };
  }

  /** The server error this reply reports, or undefined when ok is 1. */
  toError(): MongoServerError | undefined {
    return this.ok ? undefined : new MongoServerError(this.body());
  }
}

/** Converts a BSON integer-ish value (number, bigint, Long) to a number. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Long) return value.toNumber();
  return undefined;
}
