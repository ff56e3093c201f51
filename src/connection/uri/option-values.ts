// Turns one option's text (from a URI or TXT record) or JS value (from an
// options object) into its typed value, or says why it cannot.
import type { MechanismPropertyValue } from '../../auth/credentials.js';
import type { TagSet } from '../../concerns/read-preference.js';
import type { OptionDefinition } from './option-table.js';

export type OptionValue =
  | boolean
  | number
  | string
  | readonly string[]
  | Readonly<Record<string, MechanismPropertyValue>>
  | readonly TagSet[];

export type ParsedValue =
  | { ok: true; value: OptionValue; warnings: string[] }
  /** fatal: the spec requires an error rather than "warn and ignore". */
  | { ok: false; reason: string; fatal: boolean };

const ok = (value: OptionValue, warnings: string[] = []): ParsedValue => ({ ok: true, value, warnings });
const bad = (reason: string, fatal = false): ParsedValue => ({ ok: false, reason, fatal });

/** Parses the decoded text of a connection-string (or TXT) value. */
export function parseTextValue(def: OptionDefinition, text: string): ParsedValue {
  if (text.length === 0 && def.kind !== 'tagSets') {
    return bad('the value is empty', def.emptyIsError === true);
  }
  switch (def.kind) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return ok(true);
      if (lower === 'false') return ok(false);
      return bad(`${JSON.stringify(text)} is not "true" or "false"`);
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) return bad(`${JSON.stringify(text)} is not an integer`);
      return checkRange(def, Number(text));
    }
    case 'w':
      if (/^[+-]?\d+$/.test(text)) return checkRange({ ...def, min: 0, max: 2 ** 31 - 1 }, Number(text));
      return ok(text);
    case 'string':
      return ok(text);
    case 'enum':
      return def.values?.includes(text) ? ok(text) : bad(`${JSON.stringify(text)} is not one of ${(def.values ?? []).join(', ')}`);
    case 'list':
      return parseList(def, text.split(','));
    case 'keyValue':
    case 'tagSets': {
      if (def.kind === 'tagSets' && text.length === 0) return ok([{}]);
      const pairs = parseKeyValuePairs(text);
      if (def.kind === 'tagSets') {
        // A malformed tag set changes which servers are eligible: drop the whole set rather than part of it.
        if (pairs.invalid.length > 0) return bad(`${JSON.stringify(text)} is not a list of key:value pairs`);
        return ok([pairs.record]);
      }
      if (Object.keys(pairs.record).length === 0) return bad(`${JSON.stringify(text)} is not a list of key:value pairs`);
      const warnings = pairs.invalid.map(
        (piece) => `ignored ${JSON.stringify(piece)} in ${def.name}: expected key:value (a value containing "," cannot be given in a connection string)`,
      );
      return ok(pairs.record, warnings);
    }
  }
}

/** Validates a value given in code. Types must match exactly; strings are accepted where a URI would give one. */
export function parseJsValue(def: OptionDefinition, value: unknown): ParsedValue {
  if (typeof value === 'string' && def.kind !== 'string' && def.kind !== 'keyValue' && def.kind !== 'w' && def.kind !== 'enum') {
    return parseTextValue(def, value);
  }
  switch (def.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? ok(value) : bad(`expected a boolean, got ${describe(value)}`);
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad(`expected an integer, got ${describe(value)}`);
      return checkRange(def, value);
    case 'w':
      if (typeof value === 'string') return ok(value);
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad(`expected a non-negative integer or a string, got ${describe(value)}`);
      return checkRange({ ...def, min: 0, max: 2 ** 31 - 1 }, value);
    case 'string':
      if (typeof value !== 'string') return bad(`expected a string, got ${describe(value)}`);
      return value.length === 0 ? bad('the value is empty', def.emptyIsError === true) : ok(value);
    case 'enum':
      return typeof value === 'string' && def.values?.includes(value)
        ? ok(value)
        : bad(`${describe(value)} is not one of ${(def.values ?? []).join(', ')}`);
    case 'list':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return bad(`expected an array of strings, got ${describe(value)}`);
      return parseList(def, value as string[]);
    case 'keyValue': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(`expected an object, got ${describe(value)}`);
      const record: Record<string, MechanismPropertyValue> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'function') record[key] = v as MechanismPropertyValue;
        else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) record[key] = v as string[];
        else return bad(`property ${key}: expected a string, boolean, string array or function, got ${describe(v)}`);
      }
      return ok(record);
    }
    case 'tagSets': {
      const sets = Array.isArray(value) ? value : [value];
      for (const set of sets) {
        if (typeof set !== 'object' || set === null || Array.isArray(set) || !Object.values(set).every((v) => typeof v === 'string')) {
          return bad(`expected an array of tag sets (objects of string values), got ${describe(value)}`);
        }
      }
      return ok(sets as TagSet[]);
    }
  }
}

function checkRange(def: OptionDefinition, n: number): ParsedValue {
  if (def.also !== undefined && n === def.also) return ok(n);
  if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
    const range =
      def.max !== undefined && def.max < 2 ** 31 - 1
        ? `between ${def.min ?? '-∞'} and ${def.max}`
        : `>= ${def.min ?? 0}`;
    return bad(`${n} is out of range (must be ${range}${def.also !== undefined ? ` or ${def.also}` : ''})`, def.rangeIsError === true);
  }
  return ok(n);
}

function parseList(def: OptionDefinition, items: readonly string[]): ParsedValue {
  const known = def.values;
  const accepted: string[] = [];
  const warnings: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item.length === 0) continue;
    if (known && !known.includes(item)) warnings.push(`ignored unknown ${def.name} value ${JSON.stringify(item)}; expected one of ${known.join(', ')}`);
    else if (!accepted.includes(item)) accepted.push(item);
  }
  return ok(accepted, warnings);
}

/** Splits `k1:v1,k2:v2` at commas, each pair at its FIRST colon (values may contain ':'). */
function parseKeyValuePairs(text: string): { record: Record<string, string>; invalid: string[] } {
  const record: Record<string, string> = {};
  const invalid: string[] = [];
  for (const piece of text.split(',')) {
    const colon = piece.indexOf(':');
    if (colon <= 0) {
      invalid.push(piece);
      continue;
    }
    record[piece.slice(0, colon)] = piece.slice(colon + 1);
  }
  return { record, invalid };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}
