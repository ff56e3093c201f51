// An update event's updateDescription, computed by diffing the document before
// and after the write as mongod's document diff does: changed or added fields
// (array elements as "path.index") in updatedFields, removed fields in
// removedFields, arrays that got shorter in truncatedArrays. Sub-documents and
// array elements that are both documents (or both arrays) are diffed further.
// disambiguatedPaths (showExpandedEvents) lists, for every path holding a
// numeric object key or a dotted key, its components with array indexes as ints
// (plain integers, which BSON encodes as int32, as stored documents do).
// For modifier-style updates the diff stops at the paths the modifiers name
// (see update-paths.ts), so it reports what mongod's update system logs.
import { serialize, type Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';
import type { OplogDiff } from './oplog-diff.js';
import { modifiedPaths, positionOf, type ModifiedPath, type PathKey } from './update-paths.js';

export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: Document[];
  disambiguatedPaths: Document;
}

/** One path component: an object key, or an array index. */
type Segment = { key: string } | { index: number };

function sameBson(a: unknown, b: unknown): boolean {
  return Buffer.from(serialize({ v: a })).equals(Buffer.from(serialize({ v: b })));
}

function dotted(segments: readonly Segment[]): string {
  return segments.map((s) => ('key' in s ? s.key : String(s.index))).join('.');
}

/** A path is ambiguous when an object key looks like an array index or holds a dot. */
function isAmbiguous(segments: readonly Segment[]): boolean {
  return segments.some((s) => 'key' in s && (/^\d+$/u.test(s.key) || s.key.includes('.')));
}

function keysOf(segments: readonly Segment[]): PathKey[] {
  return segments.map((s) => ('key' in s ? s.key : s.index));
}

class DiffBuilder {
  /** `paths`: the modifier-named paths, undefined for pipeline updates (a full diff). */
  constructor(private readonly paths: readonly ModifiedPath[] | undefined) {}

  readonly description: UpdateDescription = { updatedFields: {}, removedFields: [], truncatedArrays: [], disambiguatedPaths: {} };

  private note(segments: readonly Segment[]): string {
    const path = dotted(segments);
    if (isAmbiguous(segments)) {
      this.description.disambiguatedPaths[path] = segments.map((s) => ('key' in s ? s.key : s.index));
    }
    return path;
  }

  updated(segments: readonly Segment[], value: unknown): void {
    this.description.updatedFields[this.note(segments)] = value;
  }

  removed(segments: readonly Segment[]): void {
    this.description.removedFields.push(this.note(segments));
  }

  truncated(segments: readonly Segment[], newSize: number): void {
    this.description.truncatedArrays.push({ field: this.note(segments), newSize });
  }

  diffDocuments(before: Document, after: Document, prefix: readonly Segment[]): void {
    for (const key of Object.keys(before)) if (!(key in after)) this.removed([...prefix, { key }]);
    for (const [key, value] of Object.entries(after)) {
      const path = [...prefix, { key }];
      if (!(key in before)) this.updated(path, value);
      else this.diffValues(before[key], value, path);
    }
  }

  private diffArrays(before: unknown[], after: unknown[], path: readonly Segment[]): void {
    const common = Math.min(before.length, after.length);
    for (let index = 0; index < common; index++) this.diffValues(before[index], after[index], [...path, { index }]);
    if (after.length < before.length) this.truncated(path, after.length);
    for (let index = before.length; index < after.length; index++) this.updated([...path, { index }], after[index]);
  }

  /**
   * An array a modifier updates through $[] / $[id] (mongod's array node): several modified
   * elements log the whole array; one logs itself whole when several matched, else its own paths.
   * `matched`: how many elements the update applied to, when known ($[]: all).
   */
  private diffArrayNode(before: unknown[], after: unknown[], path: readonly Segment[], matched: number | undefined): void {
    const modified = after.map((_, index) => index).filter((index) => !sameBson(before[index], after[index]));
    const [only] = modified;
    if (modified.length > 1) this.updated(path, after);
    else if (only !== undefined && (matched ?? 1) > 1) this.updated([...path, { index: only }], after[only]);
    else if (only !== undefined) this.diffValues(before[only], after[only], [...path, { index: only }]);
  }

  private diffValues(before: unknown, after: unknown, path: readonly Segment[]): void {
    const mode = this.paths === undefined ? 'inside' : positionOf(this.paths, keysOf(path));
    if (mode === 'whole') {
      if (!sameBson(before, after)) this.updated(path, after);
      return;
    }
    if (typeof mode === 'object') {
      if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
        this.diffArrayNode(before, after, path, mode.arrayNode === '$[]' ? after.length : undefined);
        return;
      }
    } else if (mode === 'append') {
      if (Array.isArray(before) && Array.isArray(after) && after.length > before.length && before.every((value, i) => sameBson(value, after[i]))) {
        for (let index = before.length; index < after.length; index++) this.updated([...path, { index }], after[index]);
      } else if (!sameBson(before, after)) this.updated(path, after);
      return;
    }
    if (isPlainDocument(before) && isPlainDocument(after)) this.diffDocuments(before, after, path);
    else if (Array.isArray(before) && Array.isArray(after)) this.diffArrays(before, after, path);
    else if (!sameBson(before, after)) this.updated(path, after);
  }
}

/** `update`: the update statement's `u`, when known (modifiers narrow the diff to the paths they name). */
export function describeUpdate(before: Document, after: Document, update?: unknown): UpdateDescription {
  const builder = new DiffBuilder(modifiedPaths(update));
  const { _id: _beforeId, ...beforeRest } = before;
  const { _id: _afterId, ...afterRest } = after;
  builder.diffDocuments(beforeRest, afterRest, []);
  return builder.description;
}

/** The description mongod's change stream parses out of a pipeline update's logged delta (see oplog-diff.ts). */
export function describeDelta(diff: OplogDiff): UpdateDescription {
  const builder = new DiffBuilder(undefined);
  const walk = (node: OplogDiff, prefix: readonly Segment[]): void => {
    if (node.kind === 'array') {
      if (node.newSize !== undefined) builder.truncated(prefix, node.newSize);
      for (const [index, value] of node.updates) builder.updated([...prefix, { index }], value);
      for (const [index, child] of node.children) walk(child, [...prefix, { index }]);
      return;
    }
    for (const key of node.deletes) builder.removed([...prefix, { key }]);
    for (const [key, value] of [...node.updates, ...node.inserts]) builder.updated([...prefix, { key }], value);
    for (const [key, child] of node.children) walk(child, [...prefix, { key }]);
  };
  walk(diff, []);
  return builder.description;
}
