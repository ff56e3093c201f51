import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deserialize, ObjectId } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { MESSAGE_OVERHEAD_BYTES, groupByKind, splitBatches, type Statement, type StatementKind } from '../../src/crud/bulk/batches.js';
import { toStatements } from '../../src/crud/bulk/models.js';
import { emptyResult, mergeBatchReply } from '../../src/crud/bulk/result.js';

const stmt = (kind: StatementKind, index: number, size = 10, multi = false): Statement => ({ kind, index, bytes: new Uint8Array(size), multi });
const LIMITS = { maxWriteBatchSize: 3, maxBsonObjectSize: 100, maxMessageSizeBytes: 10_000 };

describe('bulk splitter', () => {
  it('splits by maxWriteBatchSize', () => {
    const batches = splitBatches([0, 1, 2, 3, 4, 5, 6].map((i) => stmt('insert', i)), true, LIMITS);
    expect(batches.map((b) => b.statements.map((s) => s.index))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('splits by maxMessageSizeBytes minus the message overhead', () => {
    const limits = { maxWriteBatchSize: 1000, maxBsonObjectSize: 600, maxMessageSizeBytes: MESSAGE_OVERHEAD_BYTES + 1000 };
    const batches = splitBatches([0, 1, 2, 3].map((i) => stmt('insert', i, 400)), true, limits);
    expect(batches.map((b) => b.statements.length)).toEqual([2, 2]);
  });

  it('ordered batches follow kind changes; unordered ones group by kind', () => {
    const list = [stmt('insert', 0), stmt('update', 1), stmt('insert', 2), stmt('delete', 3), stmt('update', 4)];
    expect(splitBatches(list, true, LIMITS).map((b) => b.kind)).toEqual(['insert', 'update', 'insert', 'delete', 'update']);
    const unordered = splitBatches(list, false, LIMITS);
    expect(unordered.map((b) => [b.kind, b.statements.map((s) => s.index)])).toEqual([
      ['insert', [0, 2]], ['update', [1, 4]], ['delete', [3]],
    ]);
  });

  it('rejects an insert over maxBsonObjectSize, allowing 16 KiB more for update statements', () => {
    expect(() => splitBatches([stmt('insert', 0), stmt('insert', 1, 101)], true, LIMITS)).toThrow(/operation 1 \(insert\) is 101 bytes/);
    expect(() => splitBatches([stmt('update', 0, 101)], true, LIMITS)).not.toThrow();
  });

  it('marks batches holding a multi statement non-retryable', () => {
    const [a, b] = splitBatches([stmt('update', 0), stmt('update', 1, 10, true), stmt('delete', 2)], true, LIMITS);
    expect(a.retryable).toBe(false);
    expect(b.retryable).toBe(true);
  });

  it('property: every statement lands in exactly one batch within the limits', () => {
    const kinds: StatementKind[] = ['insert', 'update', 'delete'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 60 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        (specs, ordered, maxCount) => {
          const list = specs.map(([k, size], i) => stmt(kinds[k], i, size));
          const limits = { maxWriteBatchSize: maxCount, maxBsonObjectSize: 100, maxMessageSizeBytes: MESSAGE_OVERHEAD_BYTES + 250 };
          const batches = splitBatches(list, ordered, limits);
          const seen = batches.flatMap((b) => b.statements.map((s) => s.index));
          expect([...seen].sort((x, y) => x - y)).toEqual(list.map((s) => s.index));
          if (ordered) expect(seen).toEqual(list.map((s) => s.index));
          for (const b of batches) {
            expect(b.statements.length).toBeLessThanOrEqual(maxCount);
            expect(b.statements.every((s) => s.kind === b.kind)).toBe(true);
            const bytes = b.statements.reduce((n, s) => n + s.bytes.byteLength, 0);
            expect(b.statements.length === 1 || bytes <= 250).toBe(true);
          }
        },
      ),
    );
  });

  it('groupByKind is stable within a kind', () => {
    expect(groupByKind([stmt('delete', 0), stmt('insert', 1), stmt('delete', 2)]).map((s) => s.index)).toEqual([0, 2, 1]);
  });
});

describe('bulk models', () => {
  it('serializes each statement once, adding _id to inserts', () => {
    const ids: Record<number, unknown> = {};
    const doc: { a: number; _id?: unknown } = { a: 1 };
    const statements = toStatements(
      [
        { insertOne: { document: doc } },
        { updateMany: { filter: { a: 1 }, update: { $set: { b: 1 } }, upsert: true } },
        { replaceOne: { filter: {}, replacement: { c: 1 } } },
        { deleteOne: { filter: { a: 1 } } },
      ],
      ids,
    );
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(ids[0]).toBe(doc._id);
    expect(statements.map((s) => [s.kind, s.multi])).toEqual([['insert', false], ['update', true], ['update', false], ['delete', false]]);
    expect(deserialize(statements[1].bytes)).toEqual({ q: { a: 1 }, u: { $set: { b: 1 } }, upsert: true, multi: true });
    expect(deserialize(statements[3].bytes)).toEqual({ q: { a: 1 }, limit: 1 });
  });

  it('names the bad operation', () => {
    expect(() => toStatements([{ insertOne: { document: {} } }, { updateOne: { filter: {}, update: { a: 1 } } }], {})).toThrow(/'a' is not one/);
    expect(() => toStatements([{ bogus: {} } as never], {})).toThrow(MongoInvalidArgumentError);
    expect(() => toStatements([{ deleteOne: { filter: 5 } } as never], {})).toThrow(/operation 0 \(deleteOne\) needs a filter/);
  });
});

describe('bulk results', () => {
  it('maps write error and upsert indexes back to the caller', () => {
    const result = emptyResult(true);
    const batch = { kind: 'update' as const, statements: [stmt('update', 4), stmt('update', 7), stmt('update', 9)], retryable: true };
    const errors = mergeBatchReply(result, batch, { ok: 1, n: 2, nModified: 1, upserted: [{ index: 2, _id: 'x' }], writeErrors: [{ index: 1, code: 11000, errmsg: 'dup' }] }, {}, true);
    expect(errors).toEqual([{ index: 7, code: 11000, errmsg: 'dup' }]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 1, upsertedIds: { 9: 'x' } });
  });

  it('insertedIds hold only documents that were inserted (ordered stops at the error)', () => {
    const ids = { 0: 'a', 1: 'b', 2: 'c', 3: 'd' };
    const batch = { kind: 'insert' as const, statements: [0, 1, 2, 3].map((i) => stmt('insert', i)), retryable: true };
    const ordered = emptyResult(true);
    mergeBatchReply(ordered, batch, { ok: 1, n: 1, writeErrors: [{ index: 1, code: 11000 }] }, ids, true);
    expect(ordered.insertedIds).toEqual({ 0: 'a' });
    const unordered = emptyResult(true);
    mergeBatchReply(unordered, batch, { ok: 1, n: 3, writeErrors: [{ index: 1, code: 11000 }] }, ids, false);
    expect(unordered.insertedIds).toEqual({ 0: 'a', 2: 'c', 3: 'd' });
    expect(unordered.insertedCount).toBe(3);
  });
});
