// mongosh, a client we did not write, as a read-only user of a server started with auth:
// it reads, is refused writes with mongod's Unauthorized, sees its roles in connectionStatus,
// and is refused a write to a view with CommandNotSupportedOnView.
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';
import { mongoshEval } from '../support/mongosh.js';

let server: MemoryServer;

beforeAll(async () => {
  server = await MemoryServer.start({
    auth: true,
    users: [
      { user: 'boss', pwd: 'pw' },
      { user: 'viewer', pwd: 'pw', roles: [{ role: 'readWrite', db: 'app' }, { role: 'read', db: 'shared' }] },
    ],
  });
  const admin = new MongoClient(`mongodb://boss:pw@127.0.0.1:${server.port}/?authSource=admin`, { serverSelectionTimeoutMS: 2000 });
  await admin.db('shared').collection<{ _id: number }>('c').insertOne({ _id: 1 });
  await admin.db('app').createCollection('v', { viewOn: 'base', pipeline: [] });
  await admin.close();
});

afterAll(async () => {
  await server.stop();
});

describe('mongosh with a role-limited user', () => {
  it('reads, and is refused what its roles do not grant', { timeout: 40_000 }, async () => {
    const script = `
      const outcome = (f) => { try { f(); return 'ok'; } catch (e) { return { code: e.code, message: e.message }; } };
      const shared = db.getSiblingDB('shared');
      print(EJSON.stringify({
        count: shared.c.countDocuments(),
        sharedInsert: outcome(() => shared.c.insertOne({ _id: 2 })),
        appInsert: outcome(() => db.getSiblingDB('app').w.insertOne({ _id: 1 })),
        viewInsert: outcome(() => db.getSiblingDB('app').v.insertOne({ _id: 1 })),
        roles: db.runCommand({ connectionStatus: 1 }).authInfo.authenticatedUserRoles,
      }, { relaxed: true }));`;
    const result = (await mongoshEval(`mongodb://viewer:pw@127.0.0.1:${server.port}/?authSource=admin`, script)) as Record<string, unknown>;
    expect(result.count).toBe(1);
    expect(result.sharedInsert).toMatchObject({ code: 13 });
    expect(String((result.sharedInsert as { message: string }).message)).toContain('not authorized on shared to execute command { insert: "c"');
    expect(result.appInsert).toBe('ok');
    expect(result.viewInsert).toMatchObject({ code: 166 });
    expect(String((result.viewInsert as { message: string }).message)).toContain('Namespace app.v is a view, not a collection');
    expect(result.roles).toEqual([
      { role: 'readWrite', db: 'app' },
      { role: 'read', db: 'shared' },
    ]);
  });
});
