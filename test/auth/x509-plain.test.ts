// MONGODB-X509 and PLAIN end to end: mongrove's Client and the official driver
// (the oracle of the wire conversation) against the embedded server serving TLS
// with the test CA, access control on, and $external users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoServerError } from '../../src/errors.js';
import { MemoryServer } from '../../src/server/index.js';
import { CA_PEM, CLIENT_SUBJECT, QUICK, SERVER_PEM, tlsQuery } from './tls-fixtures.js';
import { firstOperationError } from '../support/first-operation-error.js';
import { OpenedClients } from '../support/opened-clients.js';

let server: MemoryServer;
/** TLS with the CA but no $external user for the client certificate. */
let noUserServer: MemoryServer;
const opened = new OpenedClients();
const { mongrove, official } = opened;

function host(target: MemoryServer): string {
  return `127.0.0.1:${target.port}`;
}

function x509Uri(target: MemoryServer, username?: string, withCertificate = true): string {
  const user = username === undefined ? '' : `${encodeURIComponent(username)}@`;
  return `mongodb://${user}${host(target)}/?authMechanism=MONGODB-X509&${tlsQuery(withCertificate)}`;
}

function plainUri(user: string, password: string): string {
  return `mongodb://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host(server)}/?authMechanism=PLAIN&${tlsQuery(false)}`;
}

async function authenticatedUsers(run: (command: Document) => Promise<Document>): Promise<unknown> {
  const status = await run({ connectionStatus: 1 });
  return (status.authInfo as Document).authenticatedUsers;
}

beforeAll(async () => {
  const tls = { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM };
  server = await MemoryServer.start({
    auth: true,
    tls,
    users: [
      { user: CLIENT_SUBJECT, db: '$external', roles: [{ role: 'readWrite', db: 'x509db' }] },
      // PLAIN: the password is the simulated LDAP directory's.
      { user: 'ldap-user', db: '$external', pwd: 'ldap pencil', roles: [{ role: 'read', db: 'plaindb' }] },
      { user: 'admin', pwd: 'admin' },
    ],
  });
  noUserServer = await MemoryServer.start({ auth: true, tls, users: [{ user: 'admin', pwd: 'admin' }] });
});

afterAll(async () => {
  await opened.closeAll();
  await Promise.all([server.stop(), noUserServer.stop()]);
});

describe('MONGODB-X509 with mongrove', () => {
  it('authenticates as the certificate subject when no username is given; the $external roles apply', async () => {
    const client = mongrove(x509Uri(server));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
    await client.db('x509db').collection('c').insertOne({ a: 1 });
    expect(await client.db('x509db').collection('c').countDocuments({})).toBeGreaterThan(0);
    await expect(client.db('other').collection('c').insertOne({ a: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('authenticates with the subject given as the username', async () => {
    const client = mongrove(x509Uri(server, CLIENT_SUBJECT));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
  });

  it('fails with AuthenticationFailed when the username is not the certificate subject', async () => {
    const client = mongrove(x509Uri(server, 'CN=someone-else,O=mongrove'));
    const error = await firstOperationError(client);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    expect((error as Error).message).toContain('MONGODB-X509 authentication failed for user "CN=someone-else,O=mongrove" on db "$external"');
  });

  it('fails with AuthenticationFailed when the connection presented no client certificate', async () => {
    const client = mongrove(x509Uri(server, undefined, false));
    const error = await firstOperationError(client);
    expect(error).toMatchObject({ code: 18 });
    expect((error as Error).message).toContain("MONGODB-X509 authentication failed for the client certificate's subject");
  });

  it('fails with AuthenticationFailed when $external has no user named by the subject', async () => {
    const client = mongrove(x509Uri(noUserServer));
    expect(await firstOperationError(client)).toMatchObject({ code: 18 });
  });

  it('answers speculative X.509 authentication in hello (the server side of the round trip)', async () => {
    const client = mongrove(`mongodb://admin:admin@${host(server)}/?authSource=admin&${tlsQuery(true)}`);
    const reply = await client.db('admin').command({ hello: 1, speculativeAuthenticate: { authenticate: 1, mechanism: 'MONGODB-X509' } });
    expect(reply.speculativeAuthenticate).toEqual({ dbname: '$external', user: CLIENT_SUBJECT });
    const refused = await client.db('admin').command({ hello: 1, speculativeAuthenticate: { authenticate: 1, mechanism: 'MONGODB-X509', user: 'CN=x' } });
    expect(refused.speculativeAuthenticate).toBeUndefined();
  });
});

describe('speculative MONGODB-X509 sends no authenticate command', () => {
  let counting: MemoryServer;
  let authenticateCommands = 0;

  beforeAll(async () => {
    counting = await MemoryServer.start({
      auth: true,
      tls: { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM },
      users: [{ user: CLIENT_SUBJECT, db: '$external', roles: [{ role: 'root', db: 'admin' }] }],
    });
    // A separate `authenticate` command would be counted, and refused.
    counting.registerCommand(
      {
        name: 'authenticate',
        run() {
          authenticateCommands++;
          return { ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'only speculative authentication is expected here' };
        },
      },
      { replace: true },
    );
  });

  afterAll(async () => {
    await counting.stop();
  });

  it('mongrove authenticates in the handshake alone', async () => {
    const client = mongrove(x509Uri(counting));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
    expect(authenticateCommands).toBe(0);
  });

  it('the official driver does too (same wire conversation)', async () => {
    const client = official(x509Uri(counting));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
    expect(authenticateCommands).toBe(0);
  });
});

describe('MONGODB-X509 with the official driver (oracle)', () => {
  it('authenticates with and without a username', async () => {
    for (const uri of [x509Uri(server), x509Uri(server, CLIENT_SUBJECT)]) {
      const client = official(uri);
      expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
    }
  });

  it('gets AuthenticationFailed for a wrong username and for no certificate', async () => {
    await expect(official(x509Uri(server, 'CN=nobody')).connect()).rejects.toMatchObject({ code: 18 });
    await expect(official(x509Uri(server, undefined, false)).connect()).rejects.toMatchObject({ code: 18 });
  });
});

describe('PLAIN (simulated LDAP directory)', () => {
  it('mongrove authenticates a $external user; its roles apply', async () => {
    const client = mongrove(plainUri('ldap-user', 'ldap pencil'));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: 'ldap-user', db: '$external' }]);
    expect(await client.db('plaindb').collection('c').countDocuments({})).toBe(0);
    await expect(client.db('plaindb').collection('c').insertOne({ a: 1 })).rejects.toMatchObject({ code: 13 });
  });

  it('mongrove fails with AuthenticationFailed on a wrong password or unknown user', async () => {
    const error = await firstOperationError(mongrove(plainUri('ldap-user', 'wrong')));
    expect(error).toMatchObject({ code: 18, codeName: 'AuthenticationFailed' });
    expect((error as Error).message).toContain('authentication failed for user "ldap-user" on db "$external" with mechanism PLAIN');
    expect(await firstOperationError(mongrove(plainUri('nobody', 'ldap pencil')))).toMatchObject({ code: 18 });
  });

  it('a SCRAM user of admin cannot use PLAIN (mongod offers PLAIN only for $external)', async () => {
    const uri = `mongodb://admin:admin@${host(server)}/?authMechanism=PLAIN&authSource=admin&${tlsQuery(false)}`;
    expect(await firstOperationError(mongrove(uri))).toMatchObject({ code: 334 });
  });

  it('the official driver agrees', async () => {
    const client = official(plainUri('ldap-user', 'ldap pencil'));
    expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: 'ldap-user', db: '$external' }]);
    await expect(official(plainUri('ldap-user', 'wrong')).connect()).rejects.toMatchObject({ code: 18 });
  });

  it('works without TLS too (the password then crosses in the clear, as with mongod)', async () => {
    const plainServer = await MemoryServer.start({ auth: true, users: [{ user: 'u', db: '$external', pwd: 'p', roles: [] }] });
    try {
      const client = mongrove(`mongodb://u:p@127.0.0.1:${plainServer.port}/?authMechanism=PLAIN&${QUICK}`);
      expect(await authenticatedUsers((c) => client.db('admin').command(c))).toEqual([{ user: 'u', db: '$external' }]);
      await client.close();
    } finally {
      await plainServer.stop();
    }
  });
});
