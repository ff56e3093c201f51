// User-defined roles, usersInfo showPrivileges / filter and listDatabases authorizedDatabases on a
// server started with auth, driven by the official driver. Expected behaviour from mongodb/mongo
// src/mongo/db/commands/user_management_commands.cpp (createRole & co., their error codes and
// messages) and list_databases.cpp.
import { MongoClient, MongoServerError, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

/** Test documents use numeric, string and date _ids. */
type Doc = { _id?: number | string | Date; [key: string]: unknown };

let server: MemoryServer;
let boss: MongoClient;
const clients: MongoClient[] = [];

function clientFor(user: string): MongoClient {
  const client = new MongoClient(`mongodb://${user}:pw@127.0.0.1:${server.port}/?authSource=admin`, { serverSelectionTimeoutMS: 2000, maxPoolSize: 1 });
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  if (!(outcome instanceof MongoServerError)) throw new Error(`expected a server error, got ${String(outcome)}`);
  return outcome;
}

const names = (list: unknown): string[] => (list as Document[]).map((r) => `${String(r.role)}@${String(r.db)}`).sort();

beforeAll(async () => {
  server = await MemoryServer.start({ auth: true, users: [{ user: 'boss', pwd: 'pw' }] });
  boss = clientFor('boss');
  await boss.db('shop').collection<Doc>('orders').insertOne({ _id: 1, total: 5 });
  await boss.db('shop').collection<Doc>('secrets').insertOne({ _id: 1 });
  await boss.db('other').collection<Doc>('things').insertOne({ _id: 1 });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await server.stop();
});

describe('role management commands', () => {
  it('createRole, rolesInfo (direct and inherited roles and privileges), errors as mongod', async () => {
    const shop = boss.db('shop');
    await shop.command({ createRole: 'ordersReader', privileges: [{ resource: { db: 'shop', collection: 'orders' }, actions: ['find'] }], roles: [] });
    await shop.command({ createRole: 'clerk', privileges: [{ resource: { db: 'shop', collection: 'orders' }, actions: ['insert'] }], roles: ['ordersReader'] });
    const info = await shop.command({ rolesInfo: 'clerk', showPrivileges: true });
    expect(info.roles).toHaveLength(1);
    const clerk = info.roles[0] as Document;
    expect(clerk).toMatchObject({ _id: 'shop.clerk', role: 'clerk', db: 'shop', isBuiltin: false, roles: [{ role: 'ordersReader', db: 'shop' }], inheritedRoles: [{ role: 'ordersReader', db: 'shop' }] });
    expect(clerk.privileges).toEqual([{ resource: { db: 'shop', collection: 'orders' }, actions: ['insert'] }]);
    expect(clerk.inheritedPrivileges).toEqual([{ resource: { db: 'shop', collection: 'orders' }, actions: ['find', 'insert'] }]);
    const all = await shop.command({ rolesInfo: 1 });
    expect(names(all.roles)).toEqual(['clerk@shop', 'ordersReader@shop']);
    const withBuiltins = await shop.command({ rolesInfo: 1, showBuiltinRoles: true });
    expect(names(withBuiltins.roles)).toContain('read@shop');
    expect((await shop.command({ rolesInfo: { role: 'read', db: 'shop' } })).roles[0]).toMatchObject({ role: 'read', isBuiltin: true });
    expect((await shop.command({ rolesInfo: 'missing' })).roles).toEqual([]);

    const duplicate = await failure(shop.command({ createRole: 'clerk', privileges: [], roles: [] }));
    expect(duplicate.code).toBe(51002);
    expect(duplicate.errmsg).toBe('Role "clerk@shop" already exists');
    expect((await failure(shop.command({ createRole: 'x', privileges: [], roles: ['nope'] }))).code).toBe(31);
    expect((await failure(shop.command({ createRole: 'read', privileges: [], roles: [] }))).errmsg).toBe('Cannot create roles with the same name as a built-in role');
    const crossDb = await failure(shop.command({ createRole: 'y', privileges: [{ resource: { db: 'other', collection: '' }, actions: ['find'] }], roles: [] }));
    expect(crossDb.code).toBe(49);
    expect(crossDb.errmsg).toBe("Roles on the 'shop' database cannot be granted privileges that target other databases or the cluster");
    expect((await failure(shop.command({ createRole: 'z', privileges: [{ resource: { cluster: true }, actions: ['serverStatus'] }], roles: [] }))).code).toBe(49);
    expect((await failure(shop.command({ createRole: 'w', privileges: [], roles: [{ role: 'read', db: 'other' }] }))).code).toBe(49);
    expect((await failure(shop.command({ createRole: 'v', roles: [] }))).code).toBe(40414);
  });

  it('grant/revoke roles and privileges, cycles, updateRole, dropRole', async () => {
    const shop = boss.db('shop');
    await shop.command({ createRole: 'a', privileges: [], roles: [] });
    await shop.command({ createRole: 'b', privileges: [], roles: ['a'] });
    const cycle = await failure(shop.command({ grantRolesToRole: 'a', roles: ['b'] }));
    expect(cycle.code).toBe(49);
    expect((await failure(shop.command({ grantRolesToRole: 'a', roles: ['a'] }))).code).toBe(49);
    expect((await failure(shop.command({ grantRolesToRole: 'a', roles: [] }))).code).toBe(2);
    expect((await failure(shop.command({ grantRolesToRole: 'missing', roles: ['read'] }))).code).toBe(31);
    expect((await failure(shop.command({ grantRolesToRole: 'read', roles: ['a'] }))).errmsg).toBe('read@shop is a built-in role and cannot be modified');

    await shop.command({ grantRolesToRole: 'a', roles: ['read'] });
    expect(names((await shop.command({ rolesInfo: 'b' })).roles[0].inheritedRoles)).toEqual(['a@shop', 'read@shop']);
    await shop.command({ revokeRolesFromRole: 'a', roles: ['read'] });
    expect((await shop.command({ rolesInfo: 'a' })).roles[0].roles).toEqual([]);

    await shop.command({ grantPrivilegesToRole: 'a', privileges: [{ resource: { db: 'shop', collection: '' }, actions: ['find', 'insert'] }] });
    await shop.command({ revokePrivilegesFromRole: 'a', privileges: [{ resource: { db: 'shop', collection: '' }, actions: ['insert'] }] });
    expect((await shop.command({ rolesInfo: 'a', showPrivileges: true })).roles[0].privileges).toEqual([{ resource: { db: 'shop', collection: '' }, actions: ['find'] }]);

    await shop.command({ updateRole: 'a', privileges: [], roles: ['readWrite'] });
    expect((await shop.command({ rolesInfo: 'a', showPrivileges: true })).roles[0]).toMatchObject({ privileges: [], roles: [{ role: 'readWrite', db: 'shop' }] });
    expect((await failure(shop.command({ updateRole: 'a' }))).code).toBe(2);
    expect((await failure(shop.command({ updateRole: 'nope', roles: [] }))).code).toBe(31);

    await shop.command({ createUser: 'holder', pwd: 'pw', roles: ['a'] });
    await shop.command({ dropRole: 'a' });
    expect((await shop.command({ rolesInfo: 'b' })).roles[0].roles).toEqual([]);
    expect((await shop.command({ usersInfo: 'holder' })).users[0].roles).toEqual([]);
    expect((await failure(shop.command({ dropRole: 'a' }))).code).toBe(31);
    await shop.command({ dropUser: 'holder' });
  });
});

describe('custom roles under access control', () => {
  beforeAll(async () => {
    const admin = boss.db('admin');
    await admin.command({ createRole: 'ordersOnly', privileges: [{ resource: { db: 'shop', collection: 'orders' }, actions: ['find', 'insert'] }], roles: [] });
    await admin.command({ createRole: 'statusWatcher', privileges: [{ resource: { cluster: true }, actions: ['serverStatus'] }], roles: [{ role: 'read', db: 'other' }] });
    await admin.command({ createUser: 'clerkUser', pwd: 'pw', roles: [{ role: 'ordersOnly', db: 'admin' }] });
    await admin.command({ createUser: 'watcher', pwd: 'pw', roles: ['statusWatcher'] });
  });

  it('a user holding a custom role gets exactly its privileges', async () => {
    const shop = clientFor('clerkUser').db('shop');
    expect(await shop.collection<Doc>('orders').countDocuments()).toBe(1);
    await shop.collection<Doc>('orders').insertOne({ _id: 2 });
    expect((await failure(shop.collection<Doc>('orders').deleteOne({ _id: 2 }))).code).toBe(13);
    expect((await failure(shop.collection<Doc>('secrets').findOne({}))).code).toBe(13);
    expect((await failure(clientFor('clerkUser').db('other').collection<Doc>('things').findOne({}))).code).toBe(13);
  });

  it('inherited built-in roles and cluster privileges apply', async () => {
    const watcher = clientFor('watcher');
    expect(await watcher.db('other').collection<Doc>('things').countDocuments()).toBe(1);
    expect((await failure(watcher.db('other').collection<Doc>('things').insertOne({ _id: 9 }))).code).toBe(13);
    expect((await watcher.db('admin').command({ serverStatus: 1 })).ok).toBe(1);
    expect((await failure(watcher.db('shop').collection<Doc>('orders').findOne({}))).code).toBe(13);
  });

  it('privileges granted later take effect at once; connectionStatus lists them', async () => {
    const watcher = clientFor('watcher');
    expect((await failure(watcher.db('shop').collection<Doc>('orders').findOne({}))).code).toBe(13);
    await boss.db('admin').command({ grantPrivilegesToRole: 'statusWatcher', privileges: [{ resource: { db: 'shop', collection: '' }, actions: ['find'] }] });
    expect(await watcher.db('shop').collection<Doc>('orders').findOne({ _id: 1 })).toMatchObject({ _id: 1 });
    const status = await watcher.db('admin').command({ connectionStatus: 1, showPrivileges: true });
    const privileges = status.authInfo.authenticatedUserPrivileges as Document[];
    expect(privileges).toContainEqual({ resource: { cluster: true }, actions: ['serverStatus'] });
    expect(privileges).toContainEqual({ resource: { db: 'shop', collection: '' }, actions: ['find'] });
    expect(names(status.authInfo.authenticatedUserRoles)).toEqual(['read@other', 'statusWatcher@admin']);
  });

  it('a user without privileges on roles cannot manage them', async () => {
    const clerk = clientFor('clerkUser');
    expect((await failure(clerk.db('shop').command({ createRole: 'sneaky', privileges: [], roles: [] }))).code).toBe(13);
    expect((await failure(clerk.db('admin').command({ rolesInfo: 1 }))).code).toBe(13);
  });
});

describe('usersInfo and listDatabases as mongod', () => {
  it('usersInfo showPrivileges adds inheritedRoles / inheritedPrivileges; filter selects users', async () => {
    const admin = boss.db('admin');
    const reply = await admin.command({ usersInfo: 'watcher', showPrivileges: true });
    const watcher = reply.users[0] as Document;
    expect(names(watcher.inheritedRoles)).toEqual(['read@other', 'statusWatcher@admin']);
    expect(watcher.inheritedPrivileges as Document[]).toContainEqual({ resource: { cluster: true }, actions: ['serverStatus'] });
    expect(watcher.inheritedPrivileges as Document[]).toContainEqual(expect.objectContaining({ resource: { db: 'other', collection: '' } }));
    expect(watcher.inheritedAuthenticationRestrictions).toEqual([]);
    const filtered = await admin.command({ usersInfo: 1, filter: { 'roles.role': 'ordersOnly' } });
    expect((filtered.users as Document[]).map((u) => u.user)).toEqual(['clerkUser']);
    expect((await failure(admin.command({ usersInfo: 1, filter: 'x' }))).code).toBe(14);
  });

  it('listDatabases shows a user only the databases its roles reach; authorizedDatabases as mongod', async () => {
    const all = await boss.db('admin').command({ listDatabases: 1, nameOnly: true });
    expect((all.databases as Document[]).map((d) => d.name)).toEqual(expect.arrayContaining(['shop', 'other']));
    const watcher = clientFor('watcher').db('admin');
    const visible = await watcher.command({ listDatabases: 1, nameOnly: true });
    expect((visible.databases as Document[]).map((d) => d.name).sort()).toEqual(['other', 'shop']);
    const clerk = clientFor('clerkUser').db('admin');
    const clerkDbs = await clerk.command({ listDatabases: 1 });
    expect((clerkDbs.databases as Document[]).map((d) => d.name)).toEqual(['shop']);
    expect(clerkDbs.totalSize).toEqual(expect.any(Number));
    expect((await failure(clerk.command({ listDatabases: 1, authorizedDatabases: false }))).code).toBe(13);
    const filtered = await boss.db('admin').command({ listDatabases: 1, filter: { name: 'other' }, authorizedDatabases: true });
    expect((filtered.databases as Document[]).map((d) => d.name)).toEqual(['other']);
  });
});
