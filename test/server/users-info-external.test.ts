// usersInfo on $external users (X.509 subjects, LDAP names): mongod keeps no SCRAM credentials for
// them and reports the single mechanism "external".
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
let client: MongoClient;

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000 });
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

it('reports $external users with mechanism "external" and no SCRAM credentials', async () => {
  const external = client.db('$external');
  await external.command({ createUser: 'CN=client,O=mongrove', roles: [{ role: 'read', db: 'app' }] });
  const { users } = await external.command({ usersInfo: 'CN=client,O=mongrove', showCredentials: true });
  expect(users).toHaveLength(1);
  expect(users[0].mechanisms).toEqual(['external']);
  expect(users[0].credentials).toEqual({ external: true });
});

it('keeps SCRAM mechanisms for ordinary users', async () => {
  const admin = client.db('admin');
  await admin.command({ createUser: 'local', pwd: 'pw', roles: [] });
  const { users } = await admin.command({ usersInfo: 'local', showCredentials: true });
  expect(users[0].mechanisms).toEqual(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
  expect(Object.keys(users[0].credentials)).toEqual(['SCRAM-SHA-1', 'SCRAM-SHA-256']);
});
