// An update event's updateDescription, computed by diffing the document before
// and after the write as mongod's document diff does: changed or added fields
// (array elements as "path.index") in updatedFields, removed fields in
// removedFields, arrays that got shorter in truncatedArrays. Sub-documents and
// array elements that are both documents (or both arrays) are diffed further.
// disambiguatedPaths (showExpandedEvents) lists, for every path holding a
// numeric object key or a dotted key, its components with array indexes as ints
// (plain integers, which BSON encodes as int32, as stored documents do).
import { serialize, type Document } from '../../bson.js';
import { isPlainDocument } from '../query/bson-types.js';

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

class DiffBuilder {
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

  private diffValues(before: unknown, after: unknown, path: readonly Segment[]): void {
    if (isPlainDocument(before) && isPlainDocument(after)) this.diffDocuments(before, after, path);
    else if (Array.isArray(before) && Array.isArray(after)) this.diffArrays(before, after, path);
    else if (!sameBson(before, after)) this.updated(path, after);
  }
}

export function describeUpdate(before: Document, after: Document): UpdateDescription {
  const builder = new DiffBuilder();
  const { _id: _beforeId, ...beforeRest } = before;
  const { _id: _afterId, ...afterRest } = after;
  builder.diffDocuments(beforeRest, afterRest, []);
  return builder.description;
}
