// Role enforcement on a server started with auth, driven by the official driver. Expected
// behaviour from mongodb/mongo: the built-in roles of src/mongo/db/auth/builtin_roles.yml,
// the Unauthorized messages of src/mongo/db/commands.cpp ("Command <name> requires
// authentication", "not authorized on <db> to execute command { ... }"), the pre-auth
// commands (requiresAuth() false: hello, ping, listCommands, buildInfo, connectionStatus,
// saslStart/saslContinue; logout keeps the default) and the user-management errors of
// src/mongo/db/commands/user_management_commands.cpp.
import { Binary, MongoClient, MongoServerError, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

/** Test documents use numeric and string _ids. */
type Doc = { _id: number | string; [key: string]: unknown };

let server: MemoryServer;
let admin: MongoClient;
const clients: MongoClient[] = [];

function clientFor(user?: string, pwd = 'pw'): MongoClient {
  const credentials = user === undefined ? '' : `${encodeURIComponent(user)}:${pwd}@`;
  const client = new MongoClient(`mongodb://${credentials}127.0.0.1:${server.port}/?authSource=admin`, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(outcome)}`);
  return outcome;
}

async function expectUnauthorized(promise: Promise<unknown>, db: string, commandStart: string): Promise<void> {
  const error = await failure(promise);
  expect(error.code).toBe(13);
  expect(error.codeName).toBe('Unauthorized');
  expect(error.errmsg.startsWith(`not authorized on ${db} to execute command { ${commandStart}`)).toBe(true);
}

const USERS: Array<[string, Document[]]> = [
  ['reader', [{ role: 'read', db: 'app' }]],
  ['writer', [{ role: 'readWrite', db: 'app' }]],
  ['appAdmin', [{ role: 'dbAdmin', db: 'app' }]],
  ['appUserAdmin', [{ role: 'userAdmin', db: 'app' }]],
  ['owner', [{ role: 'dbOwner', db: 'owned' }]],
  ['anyReader', [{ role: 'readAnyDatabase', db: 'admin' }]],
  ['anyWriter', [{ role: 'readWriteAnyDatabase', db: 'admin' }]],
  ['anyUserAdmin', [{ role: 'userAdminAnyDatabase', db: 'admin' }]],
  ['anyDbAdmin', [{ role: 'dbAdminAnyDatabase', db: 'admin' }]],
  ['clusterOp', [{ role: 'clusterAdmin', db: 'admin' }]],
  ['nobody', []],
];

beforeAll(async () => {
  server = await MemoryServer.start({ auth: true, users: [{ user: 'boss', pwd: 'pw' }, { user: 'bare', pwd: 'pw', roles: [] }] });
  admin = clientFor('boss');
  for (const [user, roles] of USERS) await admin.db('admin').command({ createUser: user, pwd: 'pw', roles });
  await admin.db('app').collection<Doc>('c').insertOne({ _id: 1 });
  await admin.db('other').collection<Doc>('c').insertOne({ _id: 1 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

describe('before authentication', () => {
  it('allows only the commands mongod lets through', async () => {
    const anonymous = clientFor();
    const db = anonymous.db('app');
    for (const command of [{ ping: 1 }, { hello: 1 }, { isMaster: 1 }, { buildInfo: 1 }, { connectionStatus: 1 }, { listCommands: 1 }]) {
      await expect(db.command(command)).resolves.toMatchObject({ ok: 1 });
    }
    for (const [name, command] of [
      ['find', { find: 'c' }],
      ['logout', { logout: 1 }],
      ['listDatabases', { listDatabases: 1 }],
    ] as const) {
      const error = await failure(db.command(command));
      expect([error.code, error.errmsg]).toEqual([13, `Command ${name} requires authentication`]);
    }
    expect((await db.command({ connectionStatus: 1 })).authInfo).toEqual({ authenticatedUsers: [], authenticatedUserRoles: [] });
  });
});

describe('built-in roles', () => {
  it('users seeded without roles get root; seeded with [] get none', async () => {
    const status = await admin.db('admin').command({ connectionStatus: 1 });
    expect(status.authInfo).toEqual({ authenticatedUsers: [{ user: 'boss', db: 'admin' }], authenticatedUserRoles: [{ role: 'root', db: 'admin' }] });
    const bare = clientFor('bare');
    expect((await bare.db('admin').command({ connectionStatus: 1 })).authInfo.authenticatedUserRoles).toEqual([]);
    await expectUnauthorized(bare.db('app').collection<Doc>('c').findOne(), 'app', 'find: "c"');
    const privileges = (await admin.db('admin').command({ connectionStatus: 1, showPrivileges: true })).authInfo.authenticatedUserPrivileges;
    expect(privileges).toEqual([{ resource: { anyResource: true }, actions: ['anyAction'] }]);
    const reader = await clientFor('reader').db('admin').command({ connectionStatus: 1, showPrivileges: true });
    expect(reader.authInfo.authenticatedUserPrivileges).toEqual([{ resource: { db: 'app', collection: '' }, actions: expect.arrayContaining(['find', 'listCollections']) }]);
  });

  it('read: reads its database only', async () => {
    const app = clientFor('reader').db('app');
    expect(await app.collection<Doc>('c').find().toArray()).toEqual([{ _id: 1 }]);
    expect(await app.collection<Doc>('c').countDocuments()).toBe(1);
    expect((await app.listCollections().toArray()).map((c) => c.name)).toContain('c');
    await expectUnauthorized(app.collection<Doc>('c').insertOne({ _id: 2 }), 'app', 'insert: "c"');
    await expectUnauthorized(app.collection<Doc>('c').createIndex({ a: 1 }), 'app', 'createIndexes: "c"');
    await expectUnauthorized(clientFor('reader').db('other').collection<Doc>('c').findOne(), 'other', 'find: "c"');
  });

  it('readWrite: writes and manages collections of its database', async () => {
    const app = clientFor('writer').db('app');
    await app.collection<Doc>('w').insertOne({ _id: 1 });
    await app.collection<Doc>('w').updateOne({ _id: 1 }, { $set: { a: 1 } });
    await app.collection<Doc>('w').createIndex({ a: 1 });
    await app.collection<Doc>('w').deleteOne({ _id: 1 });
    await app.collection<Doc>('w').drop();
    await expectUnauthorized(app.dropDatabase(), 'app', 'dropDatabase: 1');
    await expectUnauthorized(app.command({ createUser: 'x', pwd: 'pw', roles: [] }), 'app', 'createUser: "x", pwd: "xxx"');
    await expectUnauthorized(clientFor('writer').db('other').collection<Doc>('c').insertOne({ _id: 9 }), 'other', 'insert: "c"');
  });

  it('dbAdmin: administers but cannot read data', async () => {
    const app = clientFor('appAdmin').db('app');
    await app.collection<Doc>('c').createIndex({ b: 1 });
    await app.command({ collMod: 'c', validator: {} });
    expect((await app.collection<Doc>('c').indexes()).length).toBeGreaterThan(1);
    await expectUnauthorized(app.collection<Doc>('c').findOne(), 'app', 'find: "c"');
  });

  it('userAdmin: manages the users of its database', async () => {
    const app = clientFor('appUserAdmin').db('app');
    await app.command({ createUser: 'local1', pwd: 'pw', roles: ['read'] });
    expect((await app.command({ usersInfo: 'local1' })).users[0].roles).toEqual([{ role: 'read', db: 'app' }]);
    await app.command({ dropUser: 'local1' });
    await expectUnauthorized(app.collection<Doc>('c').findOne(), 'app', 'find: "c"');
    await expectUnauthorized(clientFor('appUserAdmin').db('other').command({ createUser: 'y', pwd: 'pw', roles: [] }), 'other', 'createUser: "y"');
  });

  it('dbOwner: readWrite + dbAdmin + userAdmin on its database', async () => {
    const app = clientFor('owner').db('owned');
    await app.collection<Doc>('o').insertOne({ _id: 1 });
    expect(await app.collection<Doc>('o').findOne()).toEqual({ _id: 1 });
    await app.command({ createUser: 'local2', pwd: 'pw', roles: [] });
    await app.dropDatabase();
    await expectUnauthorized(clientFor('owner').db('other').collection<Doc>('c').findOne(), 'other', 'find: "c"');
  });

  it('AnyDatabase roles span databases but not local/config or the cluster', async () => {
    const anyReader = clientFor('anyReader');
    expect(await anyReader.db('other').collection<Doc>('c').findOne()).toEqual({ _id: 1 });
    expect((await anyReader.db('admin').command({ listDatabases: 1 })).databases.length).toBeGreaterThan(0);
    await expectUnauthorized(anyReader.db('other').collection<Doc>('c').insertOne({ _id: 9 }), 'other', 'insert: "c"');
    await expectUnauthorized(anyReader.db('config').collection<Doc>('x').findOne(), 'config', 'find: "x"');

    const anyWriter = clientFor('anyWriter');
    await anyWriter.db('fresh').collection<Doc>('c').insertOne({ _id: 1 });
    await expectUnauthorized(anyWriter.db('fresh').dropDatabase(), 'fresh', 'dropDatabase: 1');

    const anyUserAdmin = clientFor('anyUserAdmin');
    await anyUserAdmin.db('fresh').command({ createUser: 'u3', pwd: 'pw', roles: [] });
    await expectUnauthorized(anyUserAdmin.db('fresh').collection<Doc>('c').findOne(), 'fresh', 'find: "c"');

    const anyDbAdmin = clientFor('anyDbAdmin');
    await anyDbAdmin.db('fresh').collection<Doc>('c').createIndex({ z: 1 });
    await expectUnauthorized(anyDbAdmin.db('fresh').collection<Doc>('c').findOne(), 'fresh', 'find: "c"');
  });

  it('clusterAdmin: admin commands, no data access', async () => {
    const cluster = clientFor('clusterOp');
    await expect(cluster.db('admin').command({ serverStatus: 1 })).resolves.toMatchObject({ ok: 1 });
    await expect(cluster.db('admin').command({ getParameter: 1, featureCompatibilityVersion: 1 })).resolves.toMatchObject({ ok: 1 });
    await expectUnauthorized(cluster.db('app').collection<Doc>('c').findOne(), 'app', 'find: "c"');
  });

  it('no roles: handshake-level commands and its own usersInfo only', async () => {
    const nobody = clientFor('nobody');
    await expect(nobody.db('app').command({ ping: 1 })).resolves.toMatchObject({ ok: 1 });
    const status = await nobody.db('admin').command({ connectionStatus: 1 });
    expect(status.authInfo).toEqual({ authenticatedUsers: [{ user: 'nobody', db: 'admin' }], authenticatedUserRoles: [] });
    expect((await nobody.db('admin').command({ usersInfo: 'nobody' })).users).toHaveLength(1);
    await expectUnauthorized(nobody.db('admin').command({ usersInfo: 'boss' }), 'admin', 'usersInfo: "boss"');
    await expectUnauthorized(nobody.db('admin').command({ serverStatus: 1 }), 'admin', 'serverStatus: 1');
  });

  it('grantRolesToUser / revokeRolesFromUser take effect on open connections', async () => {
    const nobody = clientFor('nobody').db('app');
    await expectUnauthorized(nobody.collection<Doc>('c').findOne(), 'app', 'find: "c"');
    await admin.db('admin').command({ grantRolesToUser: 'nobody', roles: [{ role: 'read', db: 'app' }] });
    expect(await nobody.collection<Doc>('c').findOne()).toEqual({ _id: 1 });
    expect((await admin.db('admin').command({ usersInfo: 'nobody' })).users[0].roles).toEqual([{ role: 'read', db: 'app' }]);
    await admin.db('admin').command({ revokeRolesFromUser: 'nobody', roles: [{ role: 'read', db: 'app' }] });
    await expectUnauthorized(nobody.collection<Doc>('c').findOne(), 'app', 'find: "c"');
  });
});

describe('privileges of composite commands', () => {
  it('aggregate needs find on every collection it reads and insert/remove on $out', async () => {
    await admin.db('app').collection<Doc>('side').insertOne({ _id: 1 });
    await admin.db('admin').command({ createUser: 'sideReader', pwd: 'pw', roles: [{ role: 'read', db: 'app' }, { role: 'readWrite', db: 'scratch' }] });
    const app = clientFor('sideReader').db('app');
    const lookup = [{ $lookup: { from: 'side', localField: '_id', foreignField: '_id', as: 's' } }];
    expect(await app.collection<Doc>('c').aggregate(lookup).toArray()).toEqual([{ _id: 1, s: [{ _id: 1 }] }]);
    await expectUnauthorized(app.collection<Doc>('c').aggregate([{ $out: 'copy' }]).toArray(), 'app', 'aggregate: "c"');
    await app.collection<Doc>('c').aggregate([{ $out: { db: 'scratch', coll: 'copy' } }]).toArray();
    expect(await clientFor('sideReader').db('scratch').collection<Doc>('copy').countDocuments()).toBe(1);
  });

  it('explain needs what the explained command needs', async () => {
    const reader = clientFor('reader').db('app');
    await expect(reader.command({ explain: { find: 'c', filter: {} } })).resolves.toMatchObject({ ok: 1 });
    await expectUnauthorized(reader.command({ explain: { delete: 'c', deletes: [{ q: {}, limit: 0 }] } }), 'app', 'explain: { delete: "c"');
  });

  it('listCollections with authorizedCollections + nameOnly needs only some privilege in the database', async () => {
    const writerOnOther = clientFor('writer').db('other');
    await expect(writerOnOther.command({ listCollections: 1, nameOnly: true, authorizedCollections: true })).rejects.toMatchObject({ code: 13 });
    const reader = clientFor('appAdmin').db('app');
    await expect(reader.command({ listCollections: 1, nameOnly: true, authorizedCollections: true })).resolves.toMatchObject({ ok: 1 });
  });
});

describe('dropped users', () => {
  it('a connection whose user was dropped is no longer authenticated', async () => {
    await admin.db('admin').command({ createUser: 'shortLived', pwd: 'pw', roles: [{ role: 'read', db: 'app' }] });
    const client = clientFor('shortLived');
    expect(await client.db('app').collection<Doc>('c').countDocuments()).toBe(1);
    await admin.db('admin').command({ dropUser: 'shortLived' });
    const error = await failure(client.db('app').collection<Doc>('c').findOne());
    expect([error.code, error.errmsg]).toEqual([13, 'Command find requires authentication']);
    expect((await client.db('admin').command({ connectionStatus: 1 })).authInfo.authenticatedUsers).toEqual([]);
  });
});

describe('localhost exception', () => {
  it('lets a loopback connection create the first user on admin, and only that', async () => {
    const fresh = await MemoryServer.start({ auth: true });
    const anonymous = new MongoClient(fresh.uri, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
    try {
      const find = await failure(anonymous.db('app').command({ find: 'c' }));
      expect(find.code).toBe(13);
      expect(find.errmsg.startsWith('not authorized on app to execute command { find: "c"')).toBe(true);
      await expectUnauthorized(anonymous.db('app').command({ createUser: 'u', pwd: 'pw', roles: [] }), 'app', 'createUser: "u"');
      await anonymous.db('admin').command({ createUser: 'first', pwd: 'pw', roles: ['root'] });
      const after = await failure(anonymous.db('admin').command({ createUser: 'second', pwd: 'pw', roles: [] }));
      expect([after.code, after.errmsg]).toEqual([13, 'Command createUser requires authentication']);
    } finally {
      await anonymous.close();
      await fresh.stop();
    }
  });
});

describe('user management errors', () => {
  it('matches mongod', async () => {
    const adminDb = admin.db('admin');
    const expectError = async (command: Document, code: number, errmsg: string, db = adminDb): Promise<void> => {
      const error = await failure(db.command(command));
      expect([error.code, error.errmsg]).toEqual([code, errmsg]);
    };
    await expectError({ createUser: 'nopwd', roles: [] }, 2, "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db");
    await expectError({ createUser: 'u', pwd: 'pw', roles: ['nope'] }, 31, 'Could not find role: nope@admin');
    await expectError({ createUser: 'u', pwd: 'pw', roles: ['readAnyDatabase'] }, 31, 'Could not find role: readAnyDatabase@app', admin.db('app'));
    await expectError({ createUser: 'u', pwd: 'pw', roles: [] }, 2, 'Cannot create users in the local database', admin.db('local'));
    await expectError({ updateUser: 'nobody' }, 2, 'Must specify at least one field to update in updateUser');
    await expectError({ dropUser: 'ghost' }, 11, "User 'ghost@admin' not found");
    await expectError({ grantRolesToUser: 'nobody', roles: [] }, 2, 'grantRolesToUser command requires a non-empty "roles" array');
    await expectError({ revokeRolesFromUser: 'nobody', roles: [] }, 2, 'revokeRolesFromUser command requires a non-empty "roles" array');
    // A user without a password is fine on $external (its credentials live elsewhere).
    await expect(admin.db('$external').command({ createUser: 'CN=ext', roles: [] })).resolves.toMatchObject({ ok: 1 });
    const externalDb = admin.db('$external');
    await expectError({ createUser: 'CN=ext2', pwd: 'pw', roles: [] }, 2, "Cannot set the password for users defined on the '$external' database", externalDb);
    await expectError({ updateUser: 'CN=ext', pwd: 'pw' }, 2, "Cannot set the password for users defined on the '$external' database", externalDb);
  });

  it('usersInfo takes a name, { user, db }, a list, 1 and forAllDBs', async () => {
    const adminDb = admin.db('admin');
    const names = async (usersInfo: unknown, db = adminDb): Promise<string[]> =>
      ((await db.command({ usersInfo })).users as Document[]).map((u) => `${String(u.user)}@${String(u.db)}`).sort();
    expect(await names('reader')).toEqual(['reader@admin']);
    expect(await names({ user: 'reader', db: 'admin' })).toEqual(['reader@admin']);
    expect(await names(['reader', { user: 'writer', db: 'admin' }])).toEqual(['reader@admin', 'writer@admin']);
    expect(await names(1)).toContain('boss@admin');
    expect(await names({ forAllDBs: true })).toContain('CN=ext@$external');
  });

  it('usersInfo shows mongod\'s user document: userId, roles, mechanisms, credentials on request', async () => {
    const [plain] = (await admin.db('admin').command({ usersInfo: 'reader' })).users as Document[];
    expect(Object.keys(plain)).toEqual(['_id', 'userId', 'user', 'db', 'roles', 'mechanisms']);
    expect(plain.userId).toBeInstanceOf(Binary);
    expect((plain.userId as Binary).sub_type).toBe(4);
    const [withCredentials] = (await admin.db('admin').command({ usersInfo: 'reader', showCredentials: true })).users as Document[];
    expect(Object.keys(withCredentials.credentials as Document)).toEqual(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
    expect(withCredentials.credentials['SCRAM-SHA-256']).toEqual({ iterationCount: 15000, salt: expect.any(String), storedKey: expect.any(String), serverKey: expect.any(String) });
  });
});
