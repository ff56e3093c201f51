// $jsonSchema (query operator and collection validator): the subset mongod's
// validators commonly use — bsonType/type, required, properties,
// additionalProperties, enum, numeric and length bounds, pattern, items,
// and the allOf/anyOf/oneOf/not combinators.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { bsonTypeOf, isNumeric, isPlainDocument, toNumber } from './bson-types.js';
import { compareValues, valuesEqual } from './compare.js';

type Check = (value: unknown) => boolean;

/** JSON Schema `type` names mapped to BSON type names. */
const JSON_TYPES: Readonly<Record<string, readonly string[]>> = {
  object: ['object'], array: ['array'], string: ['string'], boolean: ['bool'], null: ['null'],
  number: ['int', 'long', 'double', 'decimal'], integer: ['int', 'long'],
};

function bad(message: string): CommandError {
  return new CommandError(ErrorCodes.FailedToParse, `$jsonSchema ${message}`);
}

function typeNames(raw: unknown, keyword: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.flatMap((t) => {
    if (typeof t !== 'string') throw bad(`keyword '${keyword}' must be a string or an array of strings`);
    if (keyword === 'type') {
      const mapped = JSON_TYPES[t];
      if (!mapped) throw bad(`keyword 'type' has unknown type ${t}`);
      return [...mapped];
    }
    return t === 'number' ? [...(JSON_TYPES.number ?? [])] : [t];
  });
}

function schemaList(raw: unknown, keyword: string): Check[] {
  if (!Array.isArray(raw) || raw.length === 0) throw bad(`keyword '${keyword}' must be a nonempty array`);
  return raw.map((s) => compileSchema(s));
}

function length(value: unknown): number {
  return [...String(value)].length;
}

/** Compiles one (sub)schema into a check over a value; a missing value passes (presence is `required`'s job). */
export function compileSchema(schema: unknown): Check {
  if (!isPlainDocument(schema)) throw bad('must be an object');
  const checks: Check[] = [];
  const onType = (types: string[], check: Check): void => {
    checks.push((v) => !types.includes(bsonTypeOf(v)) || check(v));
  };
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case 'bsonType': case 'type': {
        const names = typeNames(arg, keyword);
        checks.push((v) => names.includes(bsonTypeOf(v)) || (names.includes('number') && isNumeric(v)));
        break;
      }
      case 'required': {
        if (!Array.isArray(arg)) throw bad("keyword 'required' must be an array");
        const fields = arg.map(String);
        onType(['object'], (v) => fields.every((f) => (v as Document)[f] !== undefined));
        break;
      }
      case 'properties': {
        if (!isPlainDocument(arg)) throw bad("keyword 'properties' must be an object");
        const props = Object.entries(arg).map(([name, sub]) => [name, compileSchema(sub)] as const);
        onType(['object'], (v) => props.every(([name, check]) => {
          const field = (v as Document)[name];
          return field === undefined || check(field);
        }));
        break;
      }
      case 'additionalProperties': {
        const known = new Set(isPlainDocument(schema.properties) ? Object.keys(schema.properties) : []);
        const extra: Check = arg === false ? () => false : arg === true ? () => true : compileSchema(arg);
        onType(['object'], (v) => Object.entries(v as Document).every(([k, x]) => known.has(k) || x === undefined || extra(x)));
        break;
      }
      case 'enum': {
        if (!Array.isArray(arg) || arg.length === 0) throw bad("keyword 'enum' must be a nonempty array");
        checks.push((v) => arg.some((e) => valuesEqual(v, e)));
        break;
      }
      case 'minimum': case 'maximum': {
        const exclusive = schema[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true;
        const sign = keyword === 'minimum' ? 1 : -1;
        checks.push((v) => !isNumeric(v) || (exclusive ? compareValues(v, arg) * sign > 0 : compareValues(v, arg) * sign >= 0));
        break;
      }
      case 'minLength': onType(['string'], (v) => length(v) >= toNumber(arg)); break;
      case 'maxLength': onType(['string'], (v) => length(v) <= toNumber(arg)); break;
      case 'pattern': {
        const re = new RegExp(String(arg), 'u');
        onType(['string'], (v) => re.test(String(v)));
        break;
      }
      case 'minItems': onType(['array'], (v) => (v as unknown[]).length >= toNumber(arg)); break;
      case 'maxItems': onType(['array'], (v) => (v as unknown[]).length <= toNumber(arg)); break;
      case 'uniqueItems': {
        if (arg === true) onType(['array'], (v) => (v as unknown[]).every((x, i, all) => all.findIndex((y) => valuesEqual(x, y)) === i));
        break;
      }
      case 'items': {
        if (Array.isArray(arg)) {
          const each = arg.map((s) => compileSchema(s));
          onType(['array'], (v) => each.every((check, i) => i >= (v as unknown[]).length || check((v as unknown[])[i])));
        } else {
          const check = compileSchema(arg);
          onType(['array'], (v) => (v as unknown[]).every((x) => check(x)));
        }
        break;
      }
      case 'minProperties': onType(['object'], (v) => Object.keys(v as Document).length >= toNumber(arg)); break;
      case 'maxProperties': onType(['object'], (v) => Object.keys(v as Document).length <= toNumber(arg)); break;
      case 'allOf': { const all = schemaList(arg, keyword); checks.push((v) => all.every((c) => c(v))); break; }
      case 'anyOf': { const any = schemaList(arg, keyword); checks.push((v) => any.some((c) => c(v))); break; }
      case 'oneOf': { const one = schemaList(arg, keyword); checks.push((v) => one.filter((c) => c(v)).length === 1); break; }
      case 'not': { const inner = compileSchema(arg); checks.push((v) => !inner(v)); break; }
      case 'exclusiveMinimum': case 'exclusiveMaximum': case 'title': case 'description': case 'encrypt': break;
      default: throw bad(`keyword '${keyword}' is not currently supported`);
    }
  }
  return (v) => checks.every((c) => c(v));
}

/** A predicate over whole documents for a top-level `$jsonSchema`. */
export function compileJsonSchema(schema: unknown): (doc: Document) => boolean {
  const check = compileSchema(schema);
  return (doc) => check(doc);
}
