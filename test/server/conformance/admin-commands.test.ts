// Commands a real mongod knows that the official driver's spec runs exercise:
// authentication and user management (so failpoints on them apply), the local
// session cache ($listLocalSessions), $collStats, and standalone-only errors.
import { afterEach, describe, expect, it } from 'vitest';
import { Binary, MongoNetworkError, MongoServerError, type Document } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

const hexOf = (value: unknown): string => (value instanceof Binary ? Buffer.from(value.buffer).toString('hex') : 'not binary');

describe('admin commands (official driver)', () => {
  const fixture = useServer();
  const configure = (command: Document): Promise<Document> =>
    fixture.client.db('admin').command({ configureFailPoint: 'failCommand', ...command });

  afterEach(async () => {
    await configure({ mode: 'off' });
  });

  it('knows the authentication commands: failpoints apply to them, and without users they fail as mongod does', async () => {
    const db = fixture.client.db('auth-tests');
    await expect(db.command({ saslStart: 1, mechanism: 'SCRAM-SHA-256', payload: 'x' })).rejects.toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    await expect(db.command({ saslContinue: 1, conversationId: 0, payload: 'x' })).rejects.toMatchObject({ code: 17, codeName: 'ProtocolError' });
    await expect(db.command({ authenticate: 1, mechanism: 'MONGODB-X509', user: 'CN=x' })).rejects.toMatchObject({ code: 18 });
    for (const name of ['saslStart', 'saslContinue', 'authenticate', 'createUser', 'updateUser']) {
      await configure({ mode: { times: 1 }, data: { failCommands: [name], closeConnection: true } });
      const error = await db.command({ [name]: name === 'createUser' || name === 'updateUser' ? 'u' : 1, roles: [] }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(MongoNetworkError);
    }
  });

  it('records users without enforcing access control', async () => {
    const db = fixture.client.db('user-tests');
    await db.command({ createUser: 'ann', pwd: 'secret', roles: [] });
    await expect(db.command({ createUser: 'ann', pwd: 'secret', roles: [] })).rejects.toMatchObject({ code: 51003 });
    await expect(db.command({ createUser: 'bob', pwd: {}, roles: [] })).rejects.toMatchObject({ code: 14, codeName: 'TypeMismatch' });
    await expect(db.command({ createUser: 'bob', pwd: 'x' })).rejects.toMatchObject({ code: 40414 });
    await db.command({ updateUser: 'ann', roles: ['read'], customData: { team: 1 } });
    await expect(db.command({ updateUser: 'nobody', roles: [] })).rejects.toMatchObject({ code: 11, codeName: 'UserNotFound' });
    const info = await db.command({ usersInfo: 'ann' });
    // mongod stores (and usersInfo returns) resolved role names: 'read' is read@<the command's db>.
    expect(info.users).toEqual([expect.objectContaining({ _id: 'user-tests.ann', user: 'ann', db: 'user-tests', roles: [{ role: 'read', db: 'user-tests' }], customData: { team: 1 } })]);
    await db.command({ dropUser: 'ann' });
    expect((await db.command({ usersInfo: 1 })).users).toEqual([]);
  });

  it('lists the sessions commands used with $listLocalSessions, and forgets ended ones', async () => {
    const client = await fixture.newClient();
    const session = client.startSession();
    await client.db('s').command({ ping: 1 }, { session });
    const listed = await client.db('admin').aggregate([{ $listLocalSessions: {} }, { $project: { id: '$_id.id', lastUse: 1 } }]).toArray();
    const mine = hexOf(session.id?.id);
    expect(listed.map((doc) => hexOf(doc.id))).toContain(mine);
    expect(listed.every((doc) => doc.lastUse instanceof Date)).toBe(true);
    await session.endSession();
    await client.db('admin').command({ endSessions: [session.id] });
    const after = await fixture.client.db('admin').aggregate([{ $listLocalSessions: {} }]).toArray();
    expect(after.map((doc) => hexOf((doc._id as Document).id))).not.toContain(mine);
  });

  it('describes a collection with $collStats', async () => {
    const db = fixture.client.db('stats-tests');
    await db.collection('capped').drop().catch(() => undefined);
    await db.createCollection('capped', { capped: true, size: 4000, max: 10 });
    await db.collection('capped').insertMany([{ a: 1 }, { a: 2 }]);
    const [stats] = await db.collection('capped').aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    expect(stats).toMatchObject({ ns: 'stats-tests.capped', count: 2, storageStats: { count: 2, capped: true, max: 10, maxSize: 4096, nindexes: 1 } });
    await expect(db.collection('missing').aggregate([{ $collStats: { storageStats: {} } }]).toArray()).rejects.toMatchObject({ code: 26 });
  });

  it('answers as a standalone: no change streams, no snapshot reads', async () => {
    const coll = fixture.client.db('standalone-tests').collection('c');
    await coll.insertOne({ x: 1 });
    const error = await coll.aggregate([{ $changeStream: {} }]).toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 40573, message: 'The $changeStream stage is only supported on replica sets' });
    const session = fixture.client.startSession({ snapshot: true });
    try {
      await expect(coll.find({}, { session }).toArray()).rejects.toMatchObject({ code: 123, codeName: 'NotAReplicaSet' });
    } finally {
      await session.endSession();
    }
  });

  it('runs the Stable API test commands under the API version rules', async () => {
    const strict = await fixture.newClient({ serverApi: { version: '1', strict: true } });
    await expect(strict.db('v').command({ testVersion2: 1 })).rejects.toMatchObject({ code: 323, codeName: 'APIStrictError' });
    expect(await strict.db('v').command({ testVersion1: 1 })).toMatchObject({ ok: 1 });
    const params = await fixture.client.db('admin').command({ getParameter: 1, acceptApiVersion2: 1 });
    expect(params.acceptApiVersion2).toBe(true);
  });
});
