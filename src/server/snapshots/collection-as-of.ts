// A collection as it was at a past cluster time, rebuilt from the change log:
// the log keeps every committed write's before- and after-image (the stored
// bytes, shared with storage), so undoing the writes newer than that time on a
// private copy gives the old contents. Writes cost nothing extra; a snapshot
// read pays for the copy and the undo, and only for the collections it reads.
import type { Timestamp } from '../../bson.js';
import type { ChangeEntry, ChangeKind, Namespace } from '../change-streams/change-entry.js';
import type { ChangeLog } from '../change-streams/change-log.js';
import { firstElementDocument } from '../storage/bson-elements.js';
import { CollectionStore } from '../storage/collection.js';
import { decode } from '../storage/values.js';
import { recordIdOf } from '../transactions/record-lookup.js';

/** The log's entries committed after `at`, newest first (times only grow along the log). */
export function entriesAfter(log: ChangeLog, at: Timestamp): ChangeEntry[] {
  const newer: ChangeEntry[] = [];
  for (let position = log.endPosition - 1; position >= log.startPosition; position--) {
    const entry = log.entryAt(position);
    if (entry === undefined || !at.lessThan(entry.clusterTime)) break;
    newer.push(entry);
  }
  return newer;
}

function names(ns: Namespace | undefined, dbName: string, collName: string): boolean {
  return ns !== undefined && ns.db === dbName && ns.coll === collName;
}

/**
 * The collection object that held the namespace before the `newer` entries
 * (newest first) happened: catalog changes are walked back, so a collection
 * dropped or renamed away since is found again (drop and rename entries keep it).
 */
function holderBefore(current: CollectionStore | undefined, newer: readonly ChangeEntry[], dbName: string, collName: string): CollectionStore | undefined {
  let holder = current;
  for (const entry of newer) {
    if (entry.kind === 'create' && names(entry.ns, dbName, collName)) holder = undefined;
    else if (entry.kind === 'drop' && names(entry.ns, dbName, collName)) holder = entry.collection;
    else if (entry.kind === 'rename') {
      if (names(entry.to, dbName, collName)) holder = entry.replaced;
      if (names(entry.ns, dbName, collName)) holder = entry.collection;
    }
  }
  return holder;
}

function idOf(bytes: Uint8Array): unknown {
  return decode(firstElementDocument(bytes))._id;
}

const DATA_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['insert', 'update', 'replace', 'delete']);

const RESTORE = { bypassDocumentValidation: true } as const;

/** Undoes one data change on `copy` (which is in the state right after it). */
function undo(copy: CollectionStore, entry: ChangeEntry): void {
  switch (entry.kind) {
    case 'insert': {
      const recordId = entry.after === undefined ? undefined : recordIdOf(copy, idOf(entry.after));
      if (recordId !== undefined) copy.delete(recordId);
      return;
    }
    case 'update':
    case 'replace': {
      if (entry.after === undefined || entry.before === undefined) return;
      const recordId = recordIdOf(copy, idOf(entry.after));
      if (recordId !== undefined) copy.replace(recordId, decode(entry.before), RESTORE);
      return;
    }
    case 'delete':
      if (entry.before !== undefined) copy.insert(decode(entry.before), RESTORE);
      return;
    default:
      return;
  }
}

/**
 * `dbName.collName` as it was before the `newer` entries, or undefined when it
 * did not exist then. The result is for reading only: it may be the live
 * collection itself when nothing newer touched it.
 */
export function collectionAsOf(current: CollectionStore | undefined, newer: readonly ChangeEntry[], dbName: string, collName: string): CollectionStore | undefined {
  const holder = holderBefore(current, newer, dbName, collName);
  if (holder === undefined) return undefined;
  const own = newer.filter((entry) => DATA_KINDS.has(entry.kind) && entry.uuid?.equals(holder.uuid) === true);
  if (own.length === 0 && holder === current) return holder;
  // Not capped: re-inserting a document the cap removed must not push another out.
  const copy = holder.copyInto(new CollectionStore(dbName, collName, { ...holder.options, capped: false }));
  for (const entry of own) undo(copy, entry);
  return copy;
}
