// $changeStreamSplitLargeEvent (mongod 7.0+): an event larger than 16 MiB is
// returned as fragments, each `{ _id, splitEvent: { fragment, of }, ...fields }`.
// As mongod does, the event's fields (but _id) are packed greedily in order of
// size (then name), so the first fragment holds as many small fields as fit;
// each fragment's _id is the event's resume token plus its fragment index, so a
// stream resumed from it continues with the next fragment. Without the stage an
// event over mongod's internal object limit fails with BSONObjectTooLarge.
import { calculateObjectSize, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { decodeResumeToken, encodeResumeToken } from './resume-token.js';

export const SPLIT_STAGE = '$changeStreamSplitLargeEvent';

/** Events up to this size are returned whole by the split stage (mongod's BSONObjMaxUserSize). */
export const MAX_CHANGE_EVENT_BYTES = 16 * 1024 * 1024;

/** mongod's BSONObjMaxInternalSize: an unsplit event past it cannot be returned. */
const MAX_INTERNAL_BYTES = MAX_CHANGE_EVENT_BYTES + 16 * 1024;

/** Checks the stage's place and argument (mongod's codes 7182800 and 7182802). */
export function checkSplitStage(stages: readonly Document[]): boolean {
  const index = stages.findIndex((stage) => SPLIT_STAGE in stage);
  if (index === -1) return false;
  const argument: unknown = stages[index]?.[SPLIT_STAGE];
  if (typeof argument !== 'object' || argument === null || Array.isArray(argument) || Object.keys(argument).length > 0) {
    throw new CommandError(7182800, `${SPLIT_STAGE} spec should be an empty object`);
  }
  if (index !== stages.length - 1) throw new CommandError(7182802, `${SPLIT_STAGE} must be the last stage in the pipeline`);
  return true;
}

/** Fails an event the stream cannot return whole (no split stage), as mongod's BSON size check does. */
export function checkEventSize(event: Document, size: number): void {
  if (size <= MAX_INTERNAL_BYTES) return;
  const first = JSON.stringify(event._id);
  throw new CommandError(
    ErrorCodes.BSONObjectTooLarge,
    `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${MAX_INTERNAL_BYTES}(16MB) First element: _id: ${first} (add $changeStreamSplitLargeEvent as the last stage of the change stream pipeline to receive it in fragments)`,
  );
}

/** The BSON bytes one field takes inside its document (type byte, name, value). */
function elementBytes(key: string, value: unknown): number {
  return calculateObjectSize({ [key]: value }) - 5;
}

/**
 * The fragments of `event` (larger than MAX_CHANGE_EVENT_BYTES), without the first
 * `skip` (a stream resumed from fragment skip - 1). 7182500 when one field alone
 * cannot fit in a fragment.
 */
export function splitEvent(event: Document, skip: number): Document[] {
  const point = decodeResumeToken(event._id, '_id');
  const tokenBytes = calculateObjectSize({ v: event._id }) - 5;
  const maxFragmentBytes = MAX_CHANGE_EVENT_BYTES - tokenBytes;
  const fields = Object.entries(event)
    .filter(([key]) => key !== '_id')
    .map(([key, value]) => ({ key, value, bytes: elementBytes(key, value) }))
    .sort((a, b) => a.bytes - b.bytes || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const fragments: Document[] = [];
  let next = 0;
  while (next < fields.length) {
    const fragment: Document = {
      _id: encodeResumeToken({ ...point, fragment: fragments.length }),
      splitEvent: { fragment: fragments.length + 1, of: 0 },
    };
    let bytes = calculateObjectSize(fragment);
    do {
      const field = fields[next++];
      if (field === undefined) break;
      fragment[field.key] = field.value;
      bytes += field.bytes;
    } while (next < fields.length && bytes + (fields[next]?.bytes ?? 0) <= maxFragmentBytes);
    if (bytes > maxFragmentBytes) {
      throw new CommandError(7182500, `Splitting change event failed: fragment size ${bytes} is greater than maximum allowed fragment size ${maxFragmentBytes}`);
    }
    fragments.push(fragment);
  }
  for (const fragment of fragments) (fragment.splitEvent as Document).of = fragments.length;
  return fragments.slice(skip);
}
