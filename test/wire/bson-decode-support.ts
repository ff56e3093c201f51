// Shared pieces of the BSON decoder tests: a strict structural comparer, arbitraries for
// every BSON type (as JS values for serialize, and as raw element bytes for what serialize
// cannot produce), and the oracle check against bson's own deserialize.
import * as bson from '../../src/bson.js';
import fc from 'fast-check';
import { expect } from 'vitest';
import { MongoWireProtocolError } from '../../src/errors.js';

/** Deep equality that also checks prototypes (class identity), -0 vs 0, NaN, key order and bytes. */
export function strictDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof actual !== typeof expected) return `${path}: type ${typeof actual} vs ${typeof expected}`;
  if (typeof actual !== 'object' || actual === null || expected === null) {
    return Object.is(actual, expected) ? undefined : `${path}: ${String(actual)} vs ${String(expected)}`;
  }
  const other = expected as object;
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(other)) return `${path}: different prototypes`;
  if (actual instanceof Date) return Object.is(actual.getTime(), (other as Date).getTime()) ? undefined : `${path}: dates differ`;
  if (actual instanceof RegExp) {
    const r = other as RegExp;
    return actual.source === r.source && actual.flags === r.flags ? undefined : `${path}: /${actual.source}/${actual.flags} vs /${r.source}/${r.flags}`;
  }
  if (ArrayBuffer.isView(actual)) {
    const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
    const view = other as ArrayBufferView;
    return a.equals(Buffer.from(view.buffer, view.byteOffset, view.byteLength)) ? undefined : `${path}: bytes differ`;
  }
  const keys = Reflect.ownKeys(actual);
  const expectedKeys = Reflect.ownKeys(other);
  if (keys.length !== expectedKeys.length || keys.some((k, i) => k !== expectedKeys[i])) {
    return `${path}: keys [${keys.map(String).join(',')}] vs [${expectedKeys.map(String).join(',')}]`;
  }
  for (const key of keys) {
    const a = Object.getOwnPropertyDescriptor(actual, key);
    const b = Object.getOwnPropertyDescriptor(other, key);
    if (a?.enumerable !== b?.enumerable || a?.writable !== b?.writable) return `${path}.${String(key)}: descriptors differ`;
    const difference = strictDifference(a?.value, b?.value, `${path}.${String(key)}`);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function outcome(run: () => unknown): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Ours must succeed exactly when bson does, with a strictly equal result, and fail only with our typed error. */
export function expectSameAsBson(ours: Outcome, oracle: Outcome, bytes: Uint8Array): void {
  if (!ours.ok && !(ours.error instanceof MongoWireProtocolError)) {
    throw new Error(`decoder threw ${String(ours.error)} (not MongoWireProtocolError) for ${Buffer.from(bytes).toString('hex')}`);
  }
  if (oracle.ok !== ours.ok) {
    const why = ours.ok ? `bson threw ${String((oracle as { error: unknown }).error)}` : `we threw ${String(ours.error)}`;
    throw new Error(`outcomes differ (${why}) for ${Buffer.from(bytes).toString('hex')}`);
  }
  if (ours.ok && oracle.ok) expect(strictDifference(ours.value, oracle.value)).toBeUndefined();
}

// ---- JS values that serialize to every BSON type -------------------------------------------------

const specialKeys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', '$ref', '$id', '$db', '$x', '0', '1', 'a.b', 'é', '𝄞'];
export const keyArbitrary = fc.oneof(
  fc.constantFrom(...specialKeys),
  fc.string({ maxLength: 10 }),
  fc.string({ maxLength: 6, unit: 'binary' }),
).filter((k) => !k.includes('\0'));

const int64Edges = [0n, 1n, -1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, 2n ** 53n - 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 32n, -(2n ** 32n), 2n ** 31n];
const int64 = fc.oneof(fc.constantFrom(...int64Edges), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const oid = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new bson.ObjectId(b));
const regexSource = fc.stringMatching(/^[a-z.*+?^$|\\()[\]{}0-9]{0,8}$/).filter((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
});

export const scalarArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 12, unit: 'binary' }),
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.string({ minLength: 21, maxLength: 200 }),
  fc.double(),
  fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int64.map((n) => bson.Long.fromBigInt(n)),
  int64,
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => new bson.Int32(n)),
  fc.double().map((d) => new bson.Double(d)),
  fc.boolean(),
  fc.constant(null),
  oid,
  fc.date({ noInvalidDate: true }),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new bson.Decimal128(b)),
  fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0xff)).map(([b, t]) => new bson.Binary(b, t)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new bson.Binary(b, 4)),
  fc.tuple(regexSource, fc.subarray(['i', 'm', 's', 'u', 'x', 'l'])).map(([s, f]) => new bson.BSONRegExp(s, f.join(''))),
  fc.tuple(regexSource, fc.subarray(['i', 'm', 'g'])).map(([s, f]) => new RegExp(s, f.join(''))),
  fc.string({ maxLength: 20 }).map((s) => new bson.BSONSymbol(s)),
  fc.string({ maxLength: 20 }).map((s) => new bson.Code(s)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => new bson.Timestamp(n)),
  fc.constant(new bson.MinKey()),
  fc.constant(new bson.MaxKey()),
);

/** Builds a document from entries, defining '__proto__' as an own key the way bson does. */
export function documentFrom(entries: [string, unknown][]): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(document, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return document;
}

const dbRefShapes = (value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.tuple(fc.constantFrom('coll', 'db.coll', 'a.b.c', ''), oid, fc.option(fc.constantFrom('db', 'other')), fc.dictionary(fc.constantFrom('x', 'y'), value)).map(
      ([collection, id, db, fields]) => new bson.DBRef(collection, id, db ?? undefined, fields),
    ),
    fc
      .array(fc.tuple(fc.constantFrom('$ref', '$id', '$db', '$other', 'extra', '$'), fc.oneof(fc.constantFrom('c', 'd.c', 1, null), value)), { maxLength: 5 })
      .map(documentFrom),
  );

export const { document: documentArbitrary } = fc.letrec<{ value: unknown; document: Record<string, unknown>; array: unknown[] }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArbitrary,
    tie('document'),
    tie('array'),
    dbRefShapes(scalarArbitrary),
    fc.tuple(fc.string({ maxLength: 20 }), tie('document')).map(([code, scope]) => new bson.Code(code, scope)),
  ),
  document: fc.array(fc.tuple(keyArbitrary, tie('value')), { maxLength: 6 }).map(documentFrom),
  array: fc.array(tie('value'), { maxLength: 5 }),
}));

// ---- raw element bytes, for what serialize never writes -----------------------------------------

const int32Bytes = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const cstring = (bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from(bytes.filter((b) => b !== 0)), Buffer.from([0])]);
const lengthPrefixed = (bytes: Uint8Array): Buffer => Buffer.concat([int32Bytes(bytes.length + 1), Buffer.from(bytes), Buffer.from([0])]);

export function rawDocument(elements: Buffer[]): Buffer {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  return Buffer.concat([int32Bytes(body.length + 4), body]);
}

const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.array(fc.constantFrom(0x41, 0x80, 0xbf, 0xc0, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0x98, 0x80, 0xf4, 0x90, 0xff, 0xef, 0xbb), { maxLength: 10 }).map((a) => Uint8Array.from(a)),
);
const rawKey = fc.oneof(rawBytes.map(cstring), keyArbitrary.map((k) => cstring(Buffer.from(k))));

/** Elements with odd but well-framed contents: raw key and string bytes, raw dates, symbols, pointers. */
export const rawElementArbitrary: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(rawKey, rawBytes).map(([k, s]) => Buffer.concat([Buffer.from([0x02]), k, lengthPrefixed(s)])),
  fc.tuple(rawKey, rawBytes).map(([k, s]) => Buffer.concat([Buffer.from([0x0e]), k, lengthPrefixed(s)])),
  fc.tuple(rawKey, rawBytes).map(([k, s]) => Buffer.concat([Buffer.from([0x0d]), k, lengthPrefixed(s)])),
  fc.tuple(rawKey, rawBytes, fc.uint8Array({ minLength: 12, maxLength: 12 })).map(([k, s, o]) => Buffer.concat([Buffer.from([0x0c]), k, lengthPrefixed(s), Buffer.from(o)])),
  fc.tuple(rawKey, int64).map(([k, n]) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(n);
    return Buffer.concat([Buffer.from([0x09]), k, b]);
  }),
  rawKey.map((k) => Buffer.concat([Buffer.from([0x06]), k])),
  fc.tuple(rawKey, rawBytes, fc.array(fc.constantFrom(...'imsuxlg'), { maxLength: 4 })).map(([k, s, f]) => Buffer.concat([Buffer.from([0x0b]), k, cstring(s), cstring(Buffer.from(f.join('')))])),
  fc.tuple(rawKey, fc.array(fc.tuple(rawKey, fc.integer()), { maxLength: 3 })).map(([k, items]) =>
    Buffer.concat([Buffer.from([0x04]), k, rawDocument(items.map(([ik, n]) => Buffer.concat([Buffer.from([0x10]), ik, int32Bytes(n)])))]),
  ),
  fc.tuple(rawKey, fc.constantFrom(0, 1, 2, 3)).map(([k, b]) => Buffer.concat([Buffer.from([0x08]), k, Buffer.from([b])])),
);
