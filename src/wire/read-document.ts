// Reading BSON documents out of received frames: bounds checked first, content on deserialize.
import { deserialize, type DeserializeOptions, type Document } from '../bson.js';
import { MongoWireProtocolError } from '../errors.js';

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function readDocument(bytes: Uint8Array, options: DeserializeOptions | undefined, what: string): Document {
  try {
    return deserialize(bytes, options);
  } catch (error) {
    throw new MongoWireProtocolError(`${what} is not valid BSON: ${reason(error)}`, { cause: error });
  }
}

/**
 * Checks that a BSON document starts at `offset` and ends within `limit`; returns its end.
 * The document's content is checked later, when (and if) it is deserialized.
 */
export function documentEnd(frame: Buffer, offset: number, limit: number, what: string): number {
  const remaining = limit - offset;
  if (remaining < 4) {
    throw new MongoWireProtocolError(`${what} at offset ${offset} is truncated: ${remaining} bytes left, its length field needs 4`);
  }
  const size = frame.readInt32LE(offset);
  if (size < 5) throw new MongoWireProtocolError(`${what} at offset ${offset} declares length ${size}, below the BSON minimum of 5`);
  if (size > remaining) {
    throw new MongoWireProtocolError(`${what} at offset ${offset} declares length ${size} but only ${remaining} bytes remain`);
  }
  if (frame[offset + size - 1] !== 0) {
    throw new MongoWireProtocolError(`${what} at offset ${offset} does not end with the BSON terminator byte 0`);
  }
  return offset + size;
}
