// mongosh, a client we did not write, over TLS: MONGODB-X509 with the test
// client certificate and PLAIN against the simulated LDAP directory, on a
// server started as mongod --auth with --tlsCAFile would be.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';
import { CA_PEM, CLIENT_SUBJECT, SERVER_PEM, TLS_FILES } from '../auth/tls-fixtures.js';
import { mongoshEval } from '../support/mongosh.js';

let server: MemoryServer;

beforeAll(async () => {
  server = await MemoryServer.start({
    auth: true,
    tls: { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM },
    users: [
      { user: CLIENT_SUBJECT, db: '$external', roles: [{ role: 'read', db: 'x' }] },
      { user: 'ldap-user', db: '$external', pwd: 'ldap-pw', roles: [{ role: 'read', db: 'x' }] },
    ],
  });
});

afterAll(async () => {
  await server.stop();
});

/** The users mongosh connected to `uri` is authenticated as. */
function mongosh(uri: string): Promise<unknown> {
  return mongoshEval(uri, 'print(EJSON.stringify(db.runCommand({ connectionStatus: 1 }).authInfo.authenticatedUsers))');
}

describe('mongosh over TLS', () => {
  it('authenticates with MONGODB-X509 and with PLAIN', { timeout: 60_000 }, async () => {
    const tls = `tls=true&tlsCAFile=${encodeURIComponent(TLS_FILES.ca)}&serverSelectionTimeoutMS=5000`;
    const x509 = `mongodb://127.0.0.1:${server.port}/?authMechanism=MONGODB-X509&tlsCertificateKeyFile=${encodeURIComponent(TLS_FILES.client)}&${tls}`;
    const plain = `mongodb://ldap-user:ldap-pw@127.0.0.1:${server.port}/?authMechanism=PLAIN&${tls}`;
    const [viaCertificate, viaDirectory] = await Promise.all([mongosh(x509), mongosh(plain)]);
    expect(viaCertificate).toEqual([{ user: CLIENT_SUBJECT, db: '$external' }]);
    expect(viaDirectory).toEqual([{ user: 'ldap-user', db: '$external' }]);
  });
});
