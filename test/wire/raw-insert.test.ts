// The server's insert of received bytes (no decode) must store and answer exactly what the
// decoded path does, and the lazy documents array must behave as a plain array to readers.
import { deserialize as bsonDeserialize } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Int32, ObjectId, serialize, type Document } from '../../src/bson.js';
import { CollectionStore } from '../../src/server/storage/collection.js';
import { lazyDocumentArray, unreadDocumentBytes } from '../../src/server/wire-server/lazy-documents.js';
import { isStorableAsIs } from '../../src/wire/bson-inspect.js';
import { documentArbitrary, outcome } from './bson-decode-support.js';

const SERVER_OPTIONS = { promoteValues: false, bsonRegExp: true } as const;

function storedAfter(insert: (collection: CollectionStore) => unknown): { result: ReturnType<typeof outcome>; bytes: Uint8Array | undefined } {
  const collection = new CollectionStore('db', 'c');
  const result = outcome(() => insert(collection));
  return { result, bytes: collection.raw(1)?.bytes };
}

function expectSameInsert(bytes: Uint8Array): void {
  if (!isStorableAsIs(bytes)) return;
  const raw = storedAfter((c) => c.insertRaw(bytes));
  const decoded = storedAfter((c) => c.insert(bsonDeserialize(bytes, SERVER_OPTIONS)));
  expect(raw.result.ok).toBe(decoded.result.ok);
  if (!raw.result.ok && !decoded.result.ok) expect(String(raw.result.error)).toBe(String(decoded.result.error));
  if (raw.result.ok && decoded.result.ok) expect(raw.result.value).toEqual(decoded.result.value);
  expect(raw.bytes === undefined ? undefined : Buffer.from(raw.bytes).toString('hex')).toBe(decoded.bytes === undefined ? undefined : Buffer.from(decoded.bytes).toString('hex'));
}

const idArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => new ObjectId(b)),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, [1, 2], { a: 1 }, new Int32(7), 1.5),
);

describe('insertRaw', () => {
  it('stores the same bytes and answers the same as insert of the decoded document', () => {
    fc.assert(
      fc.property(documentArbitrary, idArbitrary, fc.boolean(), (doc, id, idLast) => {
        const body: Document = { ...doc };
        delete body._id;
        const withId: Document = id === undefined ? body : idLast ? { ...body, _id: id } : { _id: id, ...body };
        // A generated _id differs between two inserts: compare those with the id masked.
        if (id === undefined) {
          const bytes = serialize(withId);
          if (!isStorableAsIs(bytes)) return;
          const raw = storedAfter((c) => c.insertRaw(bytes));
          expect(raw.result.ok).toBe(true);
          expect(raw.bytes?.[4]).toBe(0x07);
          return;
        }
        expectSameInsert(serialize(withId));
      }),
      { numRuns: 1500 },
    );
  });

  it('keeps its own copy of the received bytes', () => {
    const bytes = Buffer.from(serialize({ _id: 1, a: 'x' }));
    const collection = new CollectionStore('db', 'c');
    collection.insertRaw(bytes);
    bytes.fill(0);
    expect(collection.get(1)).toEqual({ _id: 1, a: 'x' });
  });
});

describe('lazyDocumentArray', () => {
  const docs = [{ _id: 1, a: 'x' }, { _id: 2 }, { _id: 3, b: [1] }];
  const received = () => {
    const raw = docs.map((d) => serialize(d));
    return { raw, documentAt: (i: number) => bsonDeserialize(raw[i] ?? new Uint8Array()) };
  };

  it('reads like the plain array of the decoded documents', () => {
    const lazy = lazyDocumentArray(received());
    expect(Array.isArray(lazy)).toBe(true);
    expect(lazy.length).toBe(3);
    expect(lazy).toEqual(docs);
    expect(lazy.map((d) => d._id)).toEqual([1, 2, 3]);
    expect([...lazy]).toEqual(docs);
    expect(Object.keys(lazy)).toEqual(['0', '1', '2']);
    expect(JSON.stringify(lazy)).toBe(JSON.stringify(docs));
  });

  it('hands out bytes only for elements nobody read, and none once written to', () => {
    const lazy = lazyDocumentArray(received());
    expect(unreadDocumentBytes(lazy, 0)).toBeDefined();
    void lazy[0]._id;
    expect(unreadDocumentBytes(lazy, 0)).toBeUndefined();
    expect(unreadDocumentBytes(lazy, 1)).toBeDefined();
    lazy[2] = { _id: 9 };
    expect(unreadDocumentBytes(lazy, 1)).toBeUndefined();
    expect(lazy[2]).toEqual({ _id: 9 });
    expect(unreadDocumentBytes(docs, 0)).toBeUndefined();
  });
});
