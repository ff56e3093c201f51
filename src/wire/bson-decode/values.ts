// Construction of the BSON value classes exactly as bson's deserializer builds them
// (default options: promoteValues, promoteLongs, no promoteBuffers, no bsonRegExp).
import { Binary, Code, DBRef, Decimal128, Long, ObjectId, UUID, type Document } from '../../bson.js';
import { MongoWireProtocolError } from '../../errors.js';

const BINARY_SUBTYPE_UUID = 4;
const TWO_POW_32 = 4294967296;

type ObjectIdAtOffset = new (source: Uint8Array, offset: number) => ObjectId;

/**
 * bson's deserializer reads ObjectIds with an internal (source, offset) constructor that
 * copies 12 bytes without a subarray. Use it when this bson build has it (checked once),
 * else the public 12-byte constructor: both yield the same ObjectId.
 */
const objectIdAtOffset: ObjectIdAtOffset | undefined = (() => {
  const probe = Uint8Array.from({ length: 13 }, (_, i) => i);
  try {
    const id = new (ObjectId as unknown as ObjectIdAtOffset)(probe, 1);
    return id.toHexString() === '0102030405060708090a0b0c' ? (ObjectId as unknown as ObjectIdAtOffset) : undefined;
  } catch {
    return undefined;
  }
})();

export function objectIdAt(buffer: Buffer, offset: number): ObjectId {
  return objectIdAtOffset !== undefined ? new objectIdAtOffset(buffer, offset) : new ObjectId(buffer.subarray(offset, offset + 12));
}

/** An int64 as promoteLongs gives it: a number within ±2^53 (inclusive), else a Long. */
export function int64Value(low: number, high: number): number | Long {
  if ((high >= -0x200000 && high < 0x200000) || (high === 0x200000 && low === 0)) return high * TWO_POW_32 + (low >>> 0);
  return new Long(low, high);
}

export function decimal128At(buffer: Buffer, offset: number): Decimal128 {
  const bytes = Buffer.allocUnsafe(16);
  buffer.copy(bytes, 0, offset, offset + 16);
  return new Decimal128(bytes);
}

/** Binary shares the reply's memory, as bson's does; a valid subtype-4 value becomes a UUID. */
export function binaryValue(buffer: Buffer, start: number, end: number, subtype: number): Binary {
  const view = buffer.subarray(start, end);
  if (subtype === BINARY_SUBTYPE_UUID && end - start === 16) return new UUID(view);
  return new Binary(view, subtype);
}

/** BSON regex options to JS flags as bson maps them: m→m, s→g, i→i, others dropped. */
export function regExpValue(source: string, options: string, offset: number): RegExp {
  let flags = '';
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (option === 'm') flags += 'm';
    else if (option === 's') flags += 'g';
    else if (option === 'i') flags += 'i';
  }
  try {
    return new RegExp(source, flags);
  } catch (cause) {
    throw new MongoWireProtocolError(`BSON regular expression at offset ${offset} is not a valid JavaScript RegExp (/${source}/${flags})`, { cause });
  }
}

export function codeValue(code: string, scope?: Document): Code {
  return scope === undefined ? new Code(code) : new Code(code, scope);
}

export function dbPointerValue(namespace: string, buffer: Buffer, oidOffset: number): DBRef {
  const oidBytes = Buffer.allocUnsafe(12);
  buffer.copy(oidBytes, 0, oidOffset, oidOffset + 12);
  return new DBRef(namespace, new ObjectId(oidBytes));
}

/** A document whose only $-keys are $ref/$id/$db becomes a DBRef when it has the DBRef shape. */
export function maybeDbRef(document: Document): Document {
  if ('$id' in document && document.$id != null && '$ref' in document && typeof document.$ref === 'string' && (!('$db' in document) || typeof document.$db === 'string')) {
    const { $ref, $id, $db, ...fields } = document;
    return new DBRef($ref as string, $id as ObjectId, $db as string | undefined, fields);
  }
  return document;
}
