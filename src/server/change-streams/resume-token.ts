// Resume tokens: `{ _data: <hex> }`, opaque to drivers. Ours encode where the
// event sits in the change log, so tokens sort as the events do and decode back
// to a log position. Layout (hex, upper case): "82" (mongod's tokens also start
// with the KeyString timestamp byte), the cluster time (seconds and increment,
// 4 bytes each), the log position (8 bytes) and the token kind (1 byte); a
// fragment of a split event ($changeStreamSplitLargeEvent) adds its index (2 bytes).
import { Timestamp, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';

/**
 * `event`: the token of the entry at `position` (resume after it).
 * `invalidate`: the invalidate that followed the entry at `position` (startAfter may resume after it).
 * `highWaterMark`: a point between events: the next event will have `position` (resume at it).
 */
export type ResumeTokenKind = 'highWaterMark' | 'event' | 'invalidate';

export interface ResumePoint {
  readonly clusterTime: Timestamp;
  readonly position: number;
  readonly kind: ResumeTokenKind;
  /** The 0-based fragment of a split event (an event token only). */
  readonly fragment?: number;
}

const KIND_CODES: Readonly<Record<ResumeTokenKind, number>> = { highWaterMark: 0, event: 1, invalidate: 2 };
const TOKEN_PATTERN = /^82[0-9A-F]{34}(?:[0-9A-F]{4})?$/u;

function hex(value: number, bytes: number): string {
  return value.toString(16).toUpperCase().padStart(bytes * 2, '0');
}

export function encodeResumeToken(point: ResumePoint): Document {
  const data = `82${hex(point.clusterTime.t, 4)}${hex(point.clusterTime.i, 4)}${hex(point.position, 8)}${hex(KIND_CODES[point.kind], 1)}${point.fragment === undefined ? '' : hex(point.fragment, 2)}`;
  return { _data: data };
}

function invalidToken(detail: string): CommandError {
  return new CommandError(ErrorCodes.InvalidResumeToken, `Invalid resume token: ${detail}`);
}

/** The point a client's token names; InvalidResumeToken (260) for anything that is not one of ours. */
export function decodeResumeToken(token: unknown, option: string): ResumePoint {
  if (typeof token !== 'object' || token === null || Array.isArray(token)) {
    throw new CommandError(ErrorCodes.TypeMismatch, `BSON field '$changeStream.${option}' is the wrong type, expected type 'object'`);
  }
  const data = (token as Document)._data;
  if (typeof data !== 'string') throw invalidToken(`the '_data' field of the ${option} token must be a string`);
  const upper = data.toUpperCase();
  if (!TOKEN_PATTERN.test(upper)) throw invalidToken(`'${data}' was not produced by this server`);
  const t = Number.parseInt(upper.slice(2, 10), 16);
  const i = Number.parseInt(upper.slice(10, 18), 16);
  const position = Number.parseInt(upper.slice(18, 34), 16);
  const code = Number.parseInt(upper.slice(34, 36), 16);
  const kind = (Object.keys(KIND_CODES) as ResumeTokenKind[]).find((k) => KIND_CODES[k] === code);
  if (kind === undefined || !Number.isSafeInteger(position)) throw invalidToken(`'${data}' was not produced by this server`);
  if (upper.length > 36) {
    if (kind !== 'event') throw invalidToken(`'${data}' was not produced by this server`);
    return { clusterTime: new Timestamp({ t, i }), position, kind, fragment: Number.parseInt(upper.slice(36, 40), 16) };
  }
  return { clusterTime: new Timestamp({ t, i }), position, kind };
}
