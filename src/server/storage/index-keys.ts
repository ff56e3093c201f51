// Index key extraction and the duplicate-key error a unique index raises.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { valueKey } from '../query/compare.js';
import { bsonTypeOf, toNumber } from '../query/bson-types.js';
import { pathValuesForKeys, resolvePath, splitPath } from '../query/paths.js';

/** One index key: the values in key-pattern order (missing fields as null). */
export type IndexKey = unknown[];

/** Every key a document produces (several when a keyed field is an array). */
export function extractKeys(doc: Document, keyPattern: Document): IndexKey[] {
  let keys: IndexKey[] = [[]];
  for (const field of Object.keys(keyPattern)) {
    const raw = pathValuesForKeys(doc, field);
    const values = raw.length === 0 ? [null] : raw.map((v) => (v === undefined ? null : v));
    const unique = new Map(values.map((v) => [valueKey(v), v]));
    const next: IndexKey[] = [];
    for (const key of keys) for (const v of unique.values()) next.push([...key, v]);
    keys = next;
  }
  return keys;
}

/** Whether a sparse index skips this document (every keyed field missing). */
export function sparseSkips(doc: Document, keyPattern: Document): boolean {
  return Object.keys(keyPattern).every((field) => resolvePath(doc, splitPath(field)).every((v) => v === undefined));
}

export function keyString(key: IndexKey): string {
  return key.map(valueKey).join('|');
}

function formatValue(v: unknown): string {
  switch (bsonTypeOf(v)) {
    case 'string': return JSON.stringify(v);
    case 'null': case 'missing': return 'null';
    case 'int': case 'long': case 'double': case 'decimal': {
      const t = bsonTypeOf(v);
      return t === 'long' ? `${String(v)}` : String(toNumber(v));
    }
    case 'objectId': return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
    case 'date': return `new Date(${(v as Date).getTime()})`;
    case 'bool': return String(v);
    case 'array': return `[ ${(v as unknown[]).map(formatValue).join(', ')} ]`;
    case 'object': {
      const o = v as Document;
      const inner = Object.entries(o).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ');
      return inner ? `{ ${inner} }` : '{}';
    }
    default: return String(v);
  }
}

/** The E11000 error mongod reports for a unique-index violation. */
export function duplicateKeyError(ns: string, indexName: string, keyPattern: Document, key: IndexKey): CommandError {
  const fields = Object.keys(keyPattern);
  const keyValue: Document = {};
  fields.forEach((f, i) => { keyValue[f] = key[i]; });
  const shown = fields.map((f, i) => `${f}: ${formatValue(key[i])}`).join(', ');
  return new CommandError(
    ErrorCodes.DuplicateKey,
    `E11000 duplicate key error collection: ${ns} index: ${indexName} dup key: { ${shown} }`,
    { keyPattern: { ...keyPattern }, keyValue },
  );
}
