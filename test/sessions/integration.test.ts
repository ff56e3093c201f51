// Sessions against the embedded server (a single node that supports sessions).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
beforeAll(async () => {
  server = await MemoryServer.start();
});
afterAll(async () => {
  await server.stop();
});

function watched(): { client: Client; started: Document[] } {
  const client = new Client(server.uri);
  const started: Document[] = [];
  client.on('commandStarted', (event) => started.push({ name: event.commandName, ...event.command }));
  return { client, started };
}

describe('sessions on the embedded server', () => {
  it('find and getMore share an implicit lsid, returned to the pool before the last document is read', async () => {
    const { client, started } = watched();
    const coll = client.db('sessions_it').collection('five');
    await coll.drop();
    await coll.insertMany([1, 2, 3, 4, 5].map((_id) => ({ _id })));
    const cursor = coll.find({}, { batchSize: 3 });
    for (let i = 0; i < 4; i++) await cursor.next();
    expect(client.sessions.pool.inUse).toBe(0);
    await cursor.close();
    const find = started.find((c) => c.name === 'find');
    const getMore = started.find((c) => c.name === 'getMore');
    expect(find?.lsid).toBeDefined();
    expect(getMore?.lsid).toEqual(find?.lsid);
    await client.close();
  });

  it('an explicit session is the one the server records; endSessions on close forgets it', async () => {
    const { client, started } = watched();
    const session = client.startSession();
    await client.db('sessions_it').collection('c').insertOne({ x: 1 }, { session });
    const listed = await client.db('admin').aggregate([{ $listLocalSessions: {} }]).toArray();
    const ids = listed.map((doc) => (doc._id as Document).id);
    expect(ids).toContainEqual(session.id.id);
    await session.endSession();
    await client.close();
    const end = started.find((c) => c.name === 'endSessions');
    expect(end?.endSessions).toContainEqual(session.id);

    const other = new Client(server.uri);
    const after = await other.db('admin').aggregate([{ $listLocalSessions: {} }]).toArray();
    expect(after.map((doc) => (doc._id as Document).id)).not.toContainEqual(session.id.id);
    await other.close();
  });

  it('a standalone rejects snapshot reads (server error, not a client error)', async () => {
    const { client, started } = watched();
    const session = client.startSession({ snapshot: true });
    await expect(client.db('sessions_it').collection('c').findOne({}, { session })).rejects.toMatchObject({ code: expect.any(Number) });
    expect(started.find((c) => c.name === 'find')?.readConcern).toEqual({ level: 'snapshot' });
    await session.endSession();
    await client.close();
  });
});
