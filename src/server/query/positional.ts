// The positional `$` (in projections and updates) names the first element of
// an array that made the query match. We find it by testing the query against
// the document with that array narrowed to one element at a time.
import type { Document } from '../../bson.js';
import { isPlainDocument } from './bson-types.js';
import { getPath } from './paths.js';
import type { Predicate } from './matcher.js';

function withArrayNarrowed(doc: Document, parts: readonly string[], element: unknown): Document {
  const [head, ...rest] = parts;
  if (head === undefined) return doc;
  const copy: Document = { ...doc };
  if (rest.length === 0) copy[head] = [element];
  else if (isPlainDocument(doc[head])) copy[head] = withArrayNarrowed(doc[head], rest, element);
  return copy;
}

/** Index of the first element of the array at `arrayPath` for which the query still matches. */
export function positionalIndex(doc: Document, arrayPath: readonly string[], query: Predicate): number | undefined {
  const arr = getPath(doc, arrayPath);
  if (!Array.isArray(arr)) return undefined;
  for (let i = 0; i < arr.length; i++) {
    if (query(withArrayNarrowed(doc, arrayPath, arr[i]))) return i;
  }
  return undefined;
}
