// Builds the change event document a stream returns for one log entry, with
// mongod 8.0's fields in its order: _id, operationType, clusterTime,
// collectionUUID (showExpandedEvents), wallTime, txnNumber + lsid (transactions),
// fullDocument, ns, to, documentKey, updateDescription, operationDescription,
// stateBeforeChange, nsType (create, 8.1+), fullDocumentBeforeChange.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { valueKey, valuesEqual } from '../query/compare.js';
import type { Storage } from '../storage/storage.js';
import { copyDocument, decode } from '../storage/values.js';
import type { ChangeEntry } from './change-entry.js';
import { encodeResumeToken } from './resume-token.js';
import type { ChangeStreamSpec } from './stream-spec.js';
import { describeUpdate, type UpdateDescription } from './update-description.js';

const DATA_KINDS = new Set(['insert', 'update', 'replace', 'delete']);

function missingImage(which: 'pre' | 'post', entry: ChangeEntry): CommandError {
  const option = which === 'pre' ? 'fullDocumentBeforeChange' : 'fullDocument';
  return new CommandError(
    ErrorCodes.NoMatchingDocument,
    `Change stream was configured to require a ${which}-image for all update, delete and replace events, but the ${which}-image was not found for event ${entry.kind} on ${entry.ns.db}.${entry.ns.coll ?? ''} ($changeStream.${option}: 'required'; enable changeStreamPreAndPostImages on the collection)`,
  );
}

/** The document as it is now (fullDocument: 'updateLookup'), or null when it or its collection is gone. */
function lookUpCurrent(entry: ChangeEntry, id: unknown, storage: Storage): Document | null {
  const coll = entry.ns.coll;
  if (coll === undefined) return null;
  const collection = storage.collection(entry.ns.db, coll);
  if (collection === undefined || (entry.uuid !== undefined && !collection.uuid.equals(entry.uuid))) return null;
  const indexed = collection.lookup('_id', [valueKey(id)]);
  const candidates = indexed === undefined ? collection.entries() : collection.entriesOf(indexed);
  const found = candidates.find(([, doc]) => valuesEqual(doc._id, id));
  return found === undefined ? null : copyDocument(found[1]);
}

function fullDocumentField(entry: ChangeEntry, spec: ChangeStreamSpec, after: Document | undefined, id: unknown, storage: Storage): Document | null | undefined {
  if (entry.kind === 'insert' || entry.kind === 'replace') return after ?? null;
  if (entry.kind !== 'update') return undefined;
  switch (spec.fullDocument) {
    case 'default': return undefined;
    case 'updateLookup': return lookUpCurrent(entry, id, storage);
    case 'whenAvailable': return entry.imagesRecorded === true && after !== undefined ? after : null;
    case 'required':
      if (entry.imagesRecorded !== true || after === undefined) throw missingImage('post', entry);
      return after;
  }
}

function beforeChangeField(entry: ChangeEntry, spec: ChangeStreamSpec, before: Document | undefined): Document | null | undefined {
  if (entry.kind !== 'update' && entry.kind !== 'replace' && entry.kind !== 'delete') return undefined;
  switch (spec.fullDocumentBeforeChange) {
    case 'off': return undefined;
    case 'whenAvailable': return entry.imagesRecorded === true && before !== undefined ? before : null;
    case 'required':
      if (entry.imagesRecorded !== true || before === undefined) throw missingImage('pre', entry);
      return before;
  }
}

/** The event for `entry` as a stream with `spec` reports it. */
export function eventDocument(entry: ChangeEntry, spec: ChangeStreamSpec, storage: Storage): Document {
  const expanded = spec.showExpandedEvents;
  const before = entry.before !== undefined ? decode(entry.before) : undefined;
  const after = entry.after !== undefined ? decode(entry.after) : undefined;
  const id = (after ?? before)?._id;
  const event: Document = {
    _id: encodeResumeToken({ clusterTime: entry.clusterTime, position: entry.position, kind: 'event' }),
    operationType: entry.kind,
    clusterTime: entry.clusterTime,
  };
  if (expanded && entry.uuid !== undefined) event.collectionUUID = entry.uuid;
  event.wallTime = entry.wallTime;
  if (entry.txnNumber !== undefined && entry.lsid !== undefined) {
    event.txnNumber = entry.txnNumber;
    event.lsid = copyDocument(entry.lsid);
  }
  const fullDocument = fullDocumentField(entry, spec, after, id, storage);
  if (fullDocument !== undefined) event.fullDocument = fullDocument;
  event.ns = entry.ns.coll === undefined ? { db: entry.ns.db } : { db: entry.ns.db, coll: entry.ns.coll };
  if (entry.to !== undefined) event.to = { ...entry.to };
  if (DATA_KINDS.has(entry.kind)) event.documentKey = { _id: id };
  if (entry.kind === 'update' && before !== undefined && after !== undefined) {
    const { disambiguatedPaths, ...description } = entry.updateDescription !== undefined
      ? (copyDocument(entry.updateDescription) as UpdateDescription)
      : describeUpdate(before, after, entry.update);
    event.updateDescription = expanded ? { ...description, disambiguatedPaths } : description;
  }
  if (expanded && entry.operationDescription !== undefined) event.operationDescription = copyDocument(entry.operationDescription);
  if (expanded && entry.stateBeforeChange !== undefined) event.stateBeforeChange = copyDocument(entry.stateBeforeChange);
  if (expanded && entry.nsType !== undefined) event.nsType = entry.nsType;
  const beforeChange = beforeChangeField(entry, spec, before);
  if (beforeChange !== undefined) event.fullDocumentBeforeChange = beforeChange;
  return event;
}

/** The invalidate event that follows `entry` (a drop, rename or dropDatabase that ended the stream). */
export function invalidateDocument(entry: ChangeEntry): Document {
  return {
    _id: encodeResumeToken({ clusterTime: entry.clusterTime, position: entry.position, kind: 'invalidate' }),
    operationType: 'invalidate',
    clusterTime: entry.clusterTime,
    wallTime: entry.wallTime,
  };
}
