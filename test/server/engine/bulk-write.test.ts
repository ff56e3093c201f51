import { describe, expect, it } from 'vitest';
import { Long, type Document } from '../../../src/bson.js';
import { MemoryCursorStore } from '../../../src/server/cursors/cursor-store.js';
import { Storage } from '../../../src/server/storage/storage.js';
import type { CommandContext } from '../../../src/server/types.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';
import { materialize } from '../../../src/server/storage/raw-document.js';

function admin(storage = new Storage()): { ctx: CommandContext; storage: Storage } {
  return { ctx: fakeContext('admin', storage), storage };
}

function batch(reply: Document): Document[] {
  return (reply.cursor as Document).firstBatch as Document[];
}

async function docs(storage: Storage, db: string, coll: string): Promise<Document[]> {
  return findAll(fakeContext(db, storage), coll);
}

describe('bulkWrite command', () => {
  it('runs inserts, updates and deletes across namespaces with per-op results and summary counts', async () => {
    const { ctx, storage } = admin();
    const reply = await run(ctx, {
      bulkWrite: 1,
      ops: [
        { insert: 0, document: { _id: 1, x: 1 } },
        { insert: 1, document: { _id: 1, y: 1 } },
        { insert: 0, document: { _id: 2, x: 2 } },
        { update: 0, filter: { _id: { $gte: 1 } }, updateMods: { $inc: { x: 10 } }, multi: true },
        { update: 1, filter: { _id: 9 }, updateMods: { y: 9 }, upsert: true },
        { delete: 0, filter: { _id: 2 } },
        { delete: 1, filter: {}, multi: true },
      ],
      nsInfo: [{ ns: 'db1.a' }, { ns: 'db2.b' }],
      errorsOnly: false,
    });
    expect(reply).toEqual({
      cursor: {
        firstBatch: [
          { ok: 1, idx: 0, n: 1 },
          { ok: 1, idx: 1, n: 1 },
          { ok: 1, idx: 2, n: 1 },
          { ok: 1, idx: 3, n: 2, nModified: 2 },
          { ok: 1, idx: 4, n: 1, nModified: 0, upserted: { _id: 9 } },
          { ok: 1, idx: 5, n: 1 },
          { ok: 1, idx: 6, n: 2 },
        ],
        id: 0n,
        ns: 'admin.$cmd.bulkWrite',
      },
      nErrors: 0,
      nInserted: 3,
      nMatched: 2,
      nModified: 2,
      nUpserted: 1,
      nDeleted: 3,
      ok: 1,
    });
    expect(await docs(storage, 'db1', 'a')).toEqual([{ _id: 1, x: 11 }]);
    expect(await docs(storage, 'db2', 'b')).toEqual([]);
  });

  it('defaults to errorsOnly: false and ordered: true; ordered stops at the first error', async () => {
    const { ctx, storage } = admin();
    const reply = await run(ctx, {
      bulkWrite: 1,
      ops: [
        { insert: 0, document: { _id: 1 } },
        { insert: 0, document: { _id: 1 } },
        { insert: 0, document: { _id: 2 } },
      ],
      nsInfo: [{ ns: 'db.c' }],
    });
    const entries = batch(reply);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toEqual({ ok: 1, idx: 0, n: 1 });
    expect(entries[1]).toMatchObject({ ok: 0, idx: 1, n: 0, code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    expect(String(entries[1].errmsg)).toContain('E11000');
    expect(reply).toMatchObject({ nErrors: 1, nInserted: 1 });
    expect(await docs(storage, 'db', 'c')).toEqual([{ _id: 1 }]);
  });

  it('unordered continues past errors; errorsOnly returns only the error entries', async () => {
    const { ctx, storage } = admin();
    const reply = await run(ctx, {
      bulkWrite: 1,
      ops: [
        { insert: 0, document: { _id: 1 } },
        { update: 0, filter: { _id: 1 }, updateMods: { $set: { _id: 5 } } },
        { delete: 0, filter: { $expr: { $eq: ['$_id', '$$missing'] } } },
        { insert: 0, document: { _id: 2 } },
      ],
      nsInfo: [{ ns: 'db.c' }],
      ordered: false,
      errorsOnly: true,
    });
    const entries = batch(reply);
    expect(entries.map((e) => [e.ok, e.idx])).toEqual([[0, 1], [0, 2]]);
    expect(entries[0]).toMatchObject({ n: 0, nModified: 0, code: 66 });
    expect(entries[1]).toMatchObject({ n: 0, code: 17276 });
    expect(entries[1]).not.toHaveProperty('nModified');
    expect(reply).toMatchObject({ nErrors: 2, nInserted: 2, nMatched: 0, nDeleted: 0 });
    expect(await docs(storage, 'db', 'c')).toEqual([{ _id: 1 }, { _id: 2 }]);
  });

  it('applies let variables, arrayFilters, sort for single updates, and replacement upserts keep the filter _id', async () => {
    const { ctx, storage } = admin();
    await run(fakeContext('db', storage), { insert: 'c', documents: [{ _id: 1, v: 3, a: [1, 2] }, { _id: 2, v: 1, a: [1, 2] }] });
    const reply = await run(ctx, {
      bulkWrite: 1,
      ops: [
        { update: 0, filter: { $expr: { $eq: ['$_id', '$$target'] } }, updateMods: { $set: { 'a.$[e]': 0 } }, arrayFilters: [{ e: 2 }] },
        { update: 0, filter: {}, updateMods: { $set: { first: true } }, sort: { v: 1 } },
        { update: 0, filter: { _id: 3 }, updateMods: { r: 1 }, upsert: true },
      ],
      nsInfo: [{ ns: 'db.c' }],
      let: { target: 1 },
    });
    expect(reply).toMatchObject({ nErrors: 0, nMatched: 2, nModified: 2, nUpserted: 1 });
    expect(await docs(storage, 'db', 'c')).toEqual([
      { _id: 1, v: 3, a: [1, 0] },
      { _id: 2, v: 1, a: [1, 2], first: true },
      { _id: 3, r: 1 },
    ]);
  });

  it('reports per-op update failures as write errors (multi replacement, bad hint)', async () => {
    const { ctx } = admin();
    const reply = await run(ctx, {
      bulkWrite: 1,
      ops: [
        { insert: 0, document: { _id: 1 } },
        { update: 0, filter: {}, updateMods: { x: 1 }, multi: true },
        { delete: 0, filter: {}, hint: 'nope_1' },
      ],
      nsInfo: [{ ns: 'db.c' }],
      ordered: false,
    });
    expect(batch(reply).map((e) => e.code)).toEqual([undefined, 9, 2]);
  });

  it('returns results through a cursor that getMore can page', async () => {
    const storage = new Storage();
    const cursors = new MemoryCursorStore();
    const ctx: CommandContext = { ...fakeContext('admin', storage), server: { storage, cursors } };
    const ops = Array.from({ length: 5 }, (_, i) => ({ insert: 0, document: { _id: i } }));
    const reply = await run(ctx, { bulkWrite: 1, ops, nsInfo: [{ ns: 'db.c' }], cursor: { batchSize: 2 } });
    const cursor = reply.cursor as Document;
    expect(cursor.firstBatch).toHaveLength(2);
    expect(cursor.id).toBeInstanceOf(Long);
    const open = cursors.find(cursor.id);
    expect(open?.ns).toBe('admin.$cmd.bulkWrite');
    if (open === undefined) throw new Error('cursor not open');
    expect(cursors.nextBatch(open, undefined).batch.map((e) => materialize(e).idx)).toEqual([2, 3, 4]);
    cursors.clear();
  });

  it('rejects malformed commands as mongod does', async () => {
    const { ctx } = admin();
    const good = { ops: [{ insert: 0, document: {} }], nsInfo: [{ ns: 'db.c' }] };
    expect(await runError(fakeContext('db'), { bulkWrite: 1, ...good })).toMatchObject({ code: 13, codeName: 'Unauthorized', errmsg: 'bulkWrite may only be run against the admin database.' });
    expect(await runError(ctx, { bulkWrite: 1, nsInfo: good.nsInfo })).toMatchObject({ code: 40414 });
    expect(await runError(ctx, { bulkWrite: 1, ops: [], nsInfo: good.nsInfo })).toMatchObject({ code: 16, codeName: 'InvalidLength' });
    expect(await runError(ctx, { bulkWrite: 1, ops: [{ insert: 1, document: {} }], nsInfo: good.nsInfo })).toMatchObject({
      code: 2,
      errmsg: 'BulkWrite ops entry 0 has an invalid nsInfo index.',
    });
    expect(await runError(ctx, { bulkWrite: 1, ops: [{ upsert: 0 }], nsInfo: good.nsInfo })).toMatchObject({ code: 9 });
    expect(await runError(ctx, { bulkWrite: 1, ops: [{ insert: 0 }], nsInfo: good.nsInfo })).toMatchObject({ code: 40414 });
    expect(await runError(ctx, { bulkWrite: 1, ops: [{ update: 0, filter: {} }], nsInfo: good.nsInfo })).toMatchObject({ code: 40414 });
    expect(await runError(ctx, { bulkWrite: 1, ops: good.ops, nsInfo: [{ ns: 'nodot' }] })).toMatchObject({ code: 73 });
    expect(await runError(ctx, { bulkWrite: 1, ops: [{ insert: 'x', document: {} }], nsInfo: good.nsInfo })).toMatchObject({ code: 14 });
  });
});
