// The 16-byte MsgHeader every message starts with, plus small readers other layers use
// to route a frame (by responseTo, opCode) without decoding it.
import { MongoWireProtocolError } from '../errors.js';

export const HEADER_SIZE = 16;
const INT32_MAX = 0x7fffffff;

export interface MessageHeader {
  messageLength: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

function requireHeader(frame: Uint8Array): DataView {
  if (frame.length < HEADER_SIZE) {
    throw new MongoWireProtocolError(`message of ${frame.length} bytes is shorter than the ${HEADER_SIZE}-byte header`);
  }
  return new DataView(frame.buffer, frame.byteOffset, HEADER_SIZE);
}

export function readMessageLength(frame: Uint8Array): number {
  return requireHeader(frame).getInt32(0, true);
}

export function readRequestId(frame: Uint8Array): number {
  return requireHeader(frame).getInt32(4, true);
}

export function readResponseTo(frame: Uint8Array): number {
  return requireHeader(frame).getInt32(8, true);
}

export function readOpCode(frame: Uint8Array): number {
  return requireHeader(frame).getInt32(12, true);
}

export function readHeader(frame: Uint8Array): MessageHeader {
  const view = requireHeader(frame);
  return {
    messageLength: view.getInt32(0, true),
    requestId: view.getInt32(4, true),
    responseTo: view.getInt32(8, true),
    opCode: view.getInt32(12, true),
  };
}

/** Throws unless `length` is a usable messageLength (header included) under `maxMessageSizeBytes`. */
export function checkMessageLength(length: number, maxMessageSizeBytes: number): void {
  if (length < HEADER_SIZE) {
    throw new MongoWireProtocolError(`messageLength ${length} is smaller than the ${HEADER_SIZE}-byte header`);
  }
  if (length > maxMessageSizeBytes) {
    throw new MongoWireProtocolError(`messageLength ${length} exceeds maxMessageSizeBytes ${maxMessageSizeBytes}`);
  }
}

let lastRequestId = 0;

/** A fresh requestID: positive, increasing, wrapping back to 1 after int32 max. */
export function nextRequestId(): number {
  lastRequestId = lastRequestId >= INT32_MAX ? 1 : lastRequestId + 1;
  return lastRequestId;
}
