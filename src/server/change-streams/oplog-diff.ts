// The $v: 2 delta mongod logs for a pipeline-style update, computed as its
// document diff does: fields compared in order (a field that moved is deleted
// and re-inserted), sub-documents and arrays of the same type diffed further
// only while that sub-diff is smaller than the new value (else the value is
// logged whole), arrays diffed by index with a resize when they shrank. When the
// whole delta (plus 15 bytes of {$v, diff} overhead) is not smaller than the new
// document, mongod logs a replacement instead: the change stream reports a
// 'replace' event. Sizes are the serialized delta's BSON sizes.
import { calculateObjectSize, serialize, type Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';

/** mongod's update_oplog_entry::kSizeOfDeltaOplogEntryMetadata. */
const DELTA_METADATA_BYTES = 15;

export interface DocumentDiff {
  readonly kind: 'document';
  readonly deletes: string[];
  readonly updates: Array<[string, unknown]>;
  readonly inserts: Array<[string, unknown]>;
  readonly children: Array<[string, OplogDiff]>;
}

export interface ArrayDiff {
  readonly kind: 'array';
  /** Set when the array shrank: its new length. */
  newSize?: number;
  readonly updates: Array<[number, unknown]>;
  readonly children: Array<[number, OplogDiff]>;
}

export type OplogDiff = DocumentDiff | ArrayDiff;

function sameBson(a: unknown, b: unknown): boolean {
  return Buffer.from(serialize({ v: a })).equals(Buffer.from(serialize({ v: b })));
}

/** The delta as mongod serializes it (d / u / i sections and s<field> sub-diffs; arrays as { a: true, l, u<i>, s<i> }). */
function serialized(diff: OplogDiff): Document {
  if (diff.kind === 'array') {
    const out: Document = { a: true };
    if (diff.newSize !== undefined) out.l = diff.newSize;
    for (const [index, value] of diff.updates) out[`u${index}`] = value;
    for (const [index, child] of diff.children) out[`s${index}`] = serialized(child);
    return out;
  }
  const out: Document = {};
  if (diff.deletes.length > 0) out.d = Object.fromEntries(diff.deletes.map((key) => [key, false]));
  if (diff.updates.length > 0) out.u = Object.fromEntries(diff.updates);
  if (diff.inserts.length > 0) out.i = Object.fromEntries(diff.inserts);
  for (const [key, child] of diff.children) out[`s${key}`] = serialized(child);
  return out;
}

function diffSize(diff: OplogDiff): number {
  return calculateObjectSize(serialized(diff));
}

/** A sub-diff of two documents or two arrays, or undefined when it would not be smaller than `after`. */
function subDiff(before: unknown, after: unknown): OplogDiff | undefined {
  const diff = Array.isArray(before) && Array.isArray(after) ? arrayDiff(before, after) : documentDiff(before as Document, after as Document);
  return calculateObjectSize(after as Document) > diffSize(diff) ? diff : undefined;
}

function bothContainers(before: unknown, after: unknown): boolean {
  return (Array.isArray(before) && Array.isArray(after)) || (isPlainDocument(before) && isPlainDocument(after));
}

function arrayDiff(before: unknown[], after: unknown[]): ArrayDiff {
  const diff: ArrayDiff = { kind: 'array', updates: [], children: [] };
  const common = Math.min(before.length, after.length);
  for (let index = 0; index < common; index++) {
    const [was, now] = [before[index], after[index]];
    if (sameBson(was, now)) continue;
    const child = bothContainers(was, now) ? subDiff(was, now) : undefined;
    if (child !== undefined) diff.children.push([index, child]);
    else diff.updates.push([index, now]);
  }
  for (let index = common; index < after.length; index++) diff.updates.push([index, after[index]]);
  if (before.length > after.length) diff.newSize = after.length;
  return diff;
}

function documentDiff(before: Document, after: Document): DocumentDiff {
  const diff: DocumentDiff = { kind: 'document', deletes: [], updates: [], inserts: [], children: [] };
  const pre = Object.entries(before);
  const post = Object.entries(after);
  const tentativeDeletes = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < pre.length && j < post.length) {
    const [preKey, preValue] = pre[i] as [string, unknown];
    const [postKey, postValue] = post[j] as [string, unknown];
    if (preKey !== postKey) {
      // Not at the same place: deleted here (re-inserted below if it is still there).
      tentativeDeletes.add(preKey);
      i++;
      continue;
    }
    i++;
    j++;
    if (sameBson(preValue, postValue)) continue;
    const child = bothContainers(preValue, postValue) ? subDiff(preValue, postValue) : undefined;
    if (child !== undefined) diff.children.push([preKey, child]);
    else diff.updates.push([preKey, postValue]);
  }
  for (; i < pre.length; i++) diff.deletes.push((pre[i] as [string, unknown])[0]);
  for (; j < post.length; j++) {
    const [key, value] = post[j] as [string, unknown];
    diff.inserts.push([key, value]);
    tentativeDeletes.delete(key);
  }
  diff.deletes.push(...tentativeDeletes);
  return diff;
}

/** The delta mongod logs for a pipeline update from `before` to `after`, or undefined when it logs a replacement. */
export function pipelineUpdateDiff(before: Document, after: Document): DocumentDiff | undefined {
  const diff = documentDiff(before, after);
  return calculateObjectSize(after) > diffSize(diff) + DELTA_METADATA_BYTES ? diff : undefined;
}
