// "Evaluating Matches" of the unified test format: expected values are query-like
// (root-level documents may have extra fields, nested ones may not; arrays have
// exact length; numbers compare across int/long/double) with $$ special operators.
import { EJSON } from '../../src/bson.js';
import type { Document } from '../../src/bson.js';
import { bytesOf, compareNumeric, hasBsonType, isDocument, numericValue, scalarEquals, show, toHex } from './bson-values.js';

export class MatchError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
  override get name(): string {
    return 'MatchError';
  }
}

/** What the matcher needs from the entity map. */
export interface MatchContext {
  /** The entity stored under `name` ($$matchesEntity); throws when undefined. */
  entity(name: string): unknown;
  /** The logical session id of session entity `name` ($$sessionLsid); throws when undefined or not a session. */
  sessionLsid(name: string): Document;
}

const NO_ENTITIES: MatchContext = {
  entity: (name) => {
    throw new Error(`entity "${name}" is not defined`);
  },
  sessionLsid: (name) => {
    throw new Error(`session entity "${name}" is not defined`);
  },
};

export interface MatchOptions {
  /** Match `actual` as a root-level document (extra fields allowed at the top). Default true. */
  root?: boolean;
  /** `expected` is an array of root-level documents (iterated results of find, aggregate, …). */
  rootElements?: boolean;
  context?: MatchContext;
  /** Path prefix for messages. Default "$". */
  path?: string;
}

/** Throws MatchError naming the first mismatching path. */
export function assertMatches(expected: unknown, actual: unknown, options: MatchOptions = {}): void {
  const m = new Matcher(options.context ?? NO_ENTITIES);
  const path = options.path ?? '$';
  if (options.rootElements && Array.isArray(expected)) {
    if (!Array.isArray(actual)) throw new MatchError(path, `expected ${path} to be an array but was ${show(actual)}`);
    m.array(expected, actual, path, true);
    return;
  }
  m.match(expected, actual, path, options.root ?? true);
}

/** The failure message, or undefined when `actual` matches. */
export function matchFailure(expected: unknown, actual: unknown, options: MatchOptions = {}): string | undefined {
  try {
    assertMatches(expected, actual, options);
    return undefined;
  } catch (e) {
    if (e instanceof MatchError) return e.message;
    throw e;
  }
}

/** The single "$$…" key of an operator document, if `value` is one. */
export function specialOperator(value: unknown): string | undefined {
  if (!isDocument(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0].startsWith('$$') ? keys[0] : undefined;
}

const HEX = /^(?:[0-9a-f]{2})*$/iu;

class Matcher {
  constructor(private readonly ctx: MatchContext) {}

  match(expected: unknown, rawActual: unknown, path: string, isRoot: boolean): void {
    // Drivers may hold documents as Maps (e.g. a command's sort); compare them as documents.
    const actual = rawActual instanceof Map ? Object.fromEntries(rawActual) : rawActual;
    const op = specialOperator(expected);
    if (op !== undefined) {
      this.operator(op, (expected as Document)[op], actual, path, isRoot);
      return;
    }
    if (isDocument(expected)) {
      this.document(expected, actual, path, isRoot);
      return;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) throw new MatchError(path, `expected ${path} to be an array but was ${show(actual)}`);
      this.array(expected, actual, path, false);
      return;
    }
    if (actual === undefined) throw new MatchError(path, `expected ${path} to be ${show(expected)} but it was unset`);
    if (!scalarEquals(expected, actual)) {
      throw new MatchError(path, `expected ${path} to be ${show(expected)} but was ${show(actual)}`);
    }
  }

  array(expected: unknown[], actual: unknown[], path: string, elementsAreRoots: boolean): void {
    if (expected.length !== actual.length) {
      throw new MatchError(
        path,
        `expected ${path} to have ${expected.length} elements but it has ${actual.length}: ${show(actual)}`,
      );
    }
    expected.forEach((e, i) => this.match(e, actual[i], `${path}[${i}]`, elementsAreRoots));
  }

  private document(expected: Document, actual: unknown, path: string, isRoot: boolean): void {
    if (!isDocument(actual)) throw new MatchError(path, `expected ${path} to be a document but was ${show(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      const childPath = `${path}.${key}`;
      const child = actual[key];
      const op = specialOperator(value);
      if (op === '$$exists') {
        const exists = child !== undefined;
        if (exists !== (value as Document)[op]) {
          throw new MatchError(childPath, exists ? `expected ${childPath} to be unset but was ${show(child)}` : `expected ${childPath} to exist`);
        }
        continue;
      }
      if (op === '$$unsetOrMatches') {
        if (child !== undefined) this.match((value as Document)[op], child, childPath, false);
        continue;
      }
      if (child === undefined) throw new MatchError(childPath, `expected ${childPath} to exist (expected ${show(value)})`);
      this.match(value, child, childPath, false);
    }
    if (!isRoot) {
      const extra = Object.keys(actual).filter((k) => actual[k] !== undefined && !(k in expected));
      if (extra.length > 0) {
        throw new MatchError(path, `expected ${path} to have no fields besides [${Object.keys(expected).join(', ')}] but it also has [${extra.join(', ')}]`);
      }
    }
  }

  private operator(op: string, arg: unknown, actual: unknown, path: string, isRoot: boolean): void {
    switch (op) {
      case '$$type': {
        const types = Array.isArray(arg) ? arg : [arg];
        if (actual === undefined) throw new MatchError(path, `expected ${path} to exist with type ${types.join('|')}`);
        if (!types.some((t) => typeof t === 'string' && hasBsonType(actual, t))) {
          throw new MatchError(path, `expected ${path} to have type ${types.join('|')} but was ${show(actual)}`);
        }
        return;
      }
      case '$$unsetOrMatches':
        if (actual !== undefined) this.match(arg, actual, path, isRoot);
        return;
      case '$$exists':
        // Reached as the operand of another operator on a field, e.g. { field: { $$unsetOrMatches: { $$exists: true } } }.
        if ((actual !== undefined) !== arg) {
          throw new MatchError(path, actual !== undefined ? `expected ${path} to be unset but was ${show(actual)}` : `expected ${path} to exist`);
        }
        return;
      case '$$matchesEntity':
        if (typeof arg !== 'string') throw new Error(`$$matchesEntity needs an entity name at ${path}`);
        this.match(this.ctx.entity(arg), actual, path, isRoot);
        return;
      case '$$matchesHexBytes':
        this.hexBytes(arg, actual, path);
        return;
      case '$$sessionLsid': {
        if (typeof arg !== 'string') throw new Error(`$$sessionLsid needs a session entity name at ${path}`);
        this.match(this.ctx.sessionLsid(arg), actual, path, false);
        return;
      }
      case '$$lte': {
        const limit = numericValue(arg);
        const value = numericValue(actual);
        if (limit === undefined) throw new Error(`$$lte needs a number at ${path}`);
        if (value === undefined || compareNumeric(value, limit) > 0) {
          throw new MatchError(path, `expected ${path} to be a number <= ${show(arg)} but was ${show(actual)}`);
        }
        return;
      }
      case '$$matchAsDocument': {
        if (typeof actual !== 'string') throw new MatchError(path, `expected ${path} to be an Extended JSON string but was ${show(actual)}`);
        let parsed: unknown;
        try {
          parsed = EJSON.parse(actual, { relaxed: true });
        } catch {
          throw new MatchError(path, `expected ${path} to be an Extended JSON string but could not parse ${show(actual)}`);
        }
        this.match(arg, parsed, path, false);
        return;
      }
      case '$$matchAsRoot':
        if (!isDocument(arg)) throw new Error(`$$matchAsRoot needs a document at ${path}`);
        this.match(arg, actual, path, true);
        return;
      default:
        throw new Error(`unknown special operator ${op} at ${path}`);
    }
  }

  private hexBytes(arg: unknown, actual: unknown, path: string): void {
    if (typeof arg !== 'string' || !HEX.test(arg)) throw new Error(`$$matchesHexBytes needs an even-length hex string at ${path}, got ${show(arg)}`);
    const bytes = bytesOf(actual);
    const actualHex = bytes ? toHex(bytes) : typeof actual === 'string' ? actual.toLowerCase() : undefined;
    if (actualHex !== arg.toLowerCase()) {
      throw new MatchError(path, `expected ${path} to be the bytes ${arg.toLowerCase()} but was ${actualHex ?? show(actual)}`);
    }
  }
}
