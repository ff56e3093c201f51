import { describe, expect, it } from 'vitest';
import { UUID } from '../../../src/bson.js';
import { Storage } from '../../../src/server/storage/storage.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

describe('collection commands', () => {
  it('new Storage() works without arguments', () => {
    expect(new Storage().databaseNames()).toEqual([]);
  });

  it('create, NamespaceExists, listCollections shape', async () => {
    const ctx = fakeContext('db');
    expect(await run(ctx, { create: 'a' })).toEqual({ ok: 1 });
    expect(await runError(ctx, { create: 'a' })).toEqual({ ok: 0, errmsg: 'Collection db.a already exists.', code: 48, codeName: 'NamespaceExists' });
    await run(ctx, { create: 'capped', capped: true, size: 4096 });
    const reply = await run(ctx, { listCollections: 1, filter: { name: 'a' } });
    const cursor = reply.cursor as { firstBatch: Array<Record<string, unknown>>; ns: string };
    expect(cursor.ns).toBe('db.$cmd.listCollections');
    expect(cursor.firstBatch).toHaveLength(1);
    const [entry] = cursor.firstBatch;
    expect(entry).toEqual({
      name: 'a', type: 'collection', options: {}, info: { readOnly: false, uuid: (entry?.info as { uuid: UUID }).uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    });
    expect((entry?.info as { uuid: unknown }).uuid).toBeInstanceOf(UUID);
    const names = await run(ctx, { listCollections: 1, nameOnly: true });
    expect((names.cursor as { firstBatch: unknown[] }).firstBatch).toEqual([{ name: 'a', type: 'collection' }, { name: 'capped', type: 'collection' }]);
  });

  it('drop, dropDatabase, listDatabases', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'a', documents: [{ _id: 1 }] });
    await run(ctx, { createIndexes: 'a', indexes: [{ key: { x: 1 } }] });
    expect(await run(ctx, { drop: 'a' })).toEqual({ nIndexesWas: 2, ns: 'db.a', ok: 1 });
    expect(await run(ctx, { drop: 'a' })).toEqual({ ok: 1 });
    await run(ctx, { insert: 'b', documents: [{ _id: 1 }] });
    const dbs = await run(ctx, { listDatabases: 1, nameOnly: true });
    expect(dbs).toEqual({ databases: [{ name: 'db' }], ok: 1 });
    await run(ctx, { dropDatabase: 1 });
    expect(await run(ctx, { listDatabases: 1 })).toEqual({ databases: [], totalSize: 0, totalSizeMb: 0, ok: 1 });
  });

  it('renameCollection runs on admin and moves documents', async () => {
    const storage = new Storage();
    const ctx = fakeContext('db', storage);
    const admin = fakeContext('admin', storage);
    await run(ctx, { insert: 'a', documents: [{ _id: 1 }] });
    expect(await runError(ctx, { renameCollection: 'db.a', to: 'db.b' })).toMatchObject({ code: 13 });
    expect(await run(admin, { renameCollection: 'db.a', to: 'db.b' })).toEqual({ ok: 1 });
    expect(await findAll(ctx, 'b')).toEqual([{ _id: 1 }]);
    expect(await findAll(ctx, 'a')).toEqual([]);
    await run(ctx, { insert: 'c', documents: [{ _id: 2 }] });
    expect(await runError(admin, { renameCollection: 'db.b', to: 'db.c' })).toMatchObject({ code: 48 });
    await run(admin, { renameCollection: 'db.b', to: 'db.c', dropTarget: true });
    expect(await findAll(ctx, 'c')).toEqual([{ _id: 1 }]);
    expect(await runError(admin, { renameCollection: 'db.zz', to: 'db.c' })).toMatchObject({ code: 26 });
  });

  it('capped collections evict oldest documents', async () => {
    const ctx = fakeContext();
    await run(ctx, { create: 'cap', capped: true, size: 100000, max: 2 });
    await run(ctx, { insert: 'cap', documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] });
    expect(await findAll(ctx, 'cap')).toEqual([{ _id: 2 }, { _id: 3 }]);
  });

  it('explain returns a queryPlanner', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'a', documents: [{ _id: 1 }] });
    const reply = await run(ctx, { explain: { find: 'a', filter: { _id: 1 } }, verbosity: 'queryPlanner' });
    expect(reply.queryPlanner).toMatchObject({ namespace: 'db.a', parsedQuery: { _id: { $eq: 1 } }, rejectedPlans: [] });
    expect(reply.queryPlanner.winningPlan).toMatchObject({ stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: '_id_', indexBounds: { _id: ['[1, 1]'] } } });
    await run(ctx, { explain: { delete: 'a', deletes: [{ q: {}, limit: 0 }] } });
    expect(await findAll(ctx, 'a')).toEqual([{ _id: 1 }]);
  });
});
