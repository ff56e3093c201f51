// The one test for "a plain object, not null or an array" that command bodies and replies
// are read with. (src/errors.ts keeps its own copy: it sits below util in the layers.)
import type { Document } from '../bson.js';

export function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
