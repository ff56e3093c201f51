// The embedded server over TLS: MemoryServer's tls option and its validation,
// certificate checks on both sides (CA mismatch, tlsAllowInvalidCertificates,
// required client certificates), X.509 subjects in RFC 2253 form, and the CLI's
// --tlsCertificateKeyFile / --tlsCAFile.
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { Client } from '../../src/index.js';
import { rfc2253Subject } from '../../src/server/auth/x509-subject.js';
import { parseCliArgs } from '../../src/server/cli-args.js';
import { MemoryServer } from '../../src/server/index.js';
import { CA_PEM, CLIENT_SUBJECT, FAIL_FAST, QUICK, SERVER_PEM, TLS_FILES, tlsQuery } from '../auth/tls-fixtures.js';
import { OpenedClients } from '../support/opened-clients.js';

const run = promisify(execFile);

let server: MemoryServer;
const opened = new OpenedClients();
const { mongrove, official } = opened;

async function pingError(client: Client): Promise<Error> {
  const error = await client
    .db('admin')
    .command({ ping: 1 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof Error)) throw new Error('expected the ping to fail');
  if (process.env.SHOW_TLS_ERRORS !== undefined) console.log(error.message);
  return error;
}

beforeAll(async () => {
  server = await MemoryServer.start({ tls: { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM } });
});

afterAll(async () => {
  await opened.closeAll();
  await server.stop();
});

describe('MemoryServer tls option', () => {
  it('puts tls=true in uri', () => {
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/?tls=true`);
  });

  it('serves mongrove and the official driver over TLS when they trust the CA', async () => {
    const query = `tlsCAFile=${encodeURIComponent(TLS_FILES.ca)}&${QUICK}`;
    expect(await mongrove(`${server.uri}&${query}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await official(`${server.uri}&${query}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    // "localhost" is in the server certificate's names too.
    expect(await mongrove(`mongodb://localhost:${server.port}/?${tlsQuery(false)}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('combines with replSet and loadBalanced (tls=true joins their uri options)', async () => {
    const tls = { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM };
    const replicaSet = await MemoryServer.start({ replSet: 'rs-tls', tls });
    const balanced = await MemoryServer.start({ loadBalanced: true, tls });
    try {
      expect(replicaSet.uri).toBe(`mongodb://127.0.0.1:${replicaSet.port}/?replicaSet=rs-tls&tls=true`);
      expect(balanced.uri).toBe(`mongodb://127.0.0.1:${balanced.port}/?loadBalanced=true&tls=true`);
      expect(balanced.multiServiceUri).toMatch(/\?loadBalanced=true&tls=true$/);
      const query = `tlsCAFile=${encodeURIComponent(TLS_FILES.ca)}&${QUICK}`;
      const client = mongrove(`${replicaSet.uri}&${query}`);
      await client.db('t').collection('c').insertOne({ a: 1 });
      expect(await client.db('t').collection('c').countDocuments({})).toBe(1);
      expect(await mongrove(`${balanced.uri}&${query}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      await opened.closeLast(2);
    } finally {
      await Promise.all([replicaSet.stop(), balanced.stop()]);
    }
  });

  it('a client trusting another CA fails with a certificate error, unless tlsAllowInvalidCertificates', async () => {
    const wrongCa = `${server.uri}&tlsCAFile=${encodeURIComponent(TLS_FILES.otherCa)}`;
    const error = await pingError(mongrove(`${wrongCa}&${FAIL_FAST}`));
    expect(error.message).toContain("self-signed certificate in certificate chain; the server's certificate is not signed by a trusted CA: set tlsCAFile");
    await expect(official(`${wrongCa}&${FAIL_FAST}`).db('admin').command({ ping: 1 })).rejects.toThrow(/certificate/i);
    const insecure = `${wrongCa}&tlsAllowInvalidCertificates=true&${QUICK}`;
    expect(await mongrove(insecure).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await official(insecure).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it('a client with no CA file does not trust the test CA', async () => {
    const error = await pingError(mongrove(`${server.uri}&${FAIL_FAST}`));
    expect(error.message).toContain('set tlsCAFile to the CA that signed it');
  });

  it('a plain TCP client is dropped, not left hanging', async () => {
    const error = await pingError(mongrove(`mongodb://127.0.0.1:${server.port}/?${FAIL_FAST}`));
    expect(error.message).toMatch(/127\.0\.0\.1/);
  });

  it('stop() closes sockets still in the TLS handshake', async () => {
    const other = await MemoryServer.start({ tls: { key: SERVER_PEM, cert: SERVER_PEM } });
    const socket = connectTcp(other.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await other.stop();
    await closed;
  });

  it('requireClientCertificate refuses connections without a verified certificate', async () => {
    const strict = await MemoryServer.start({ tls: { key: SERVER_PEM, cert: SERVER_PEM, ca: CA_PEM, requireClientCertificate: true } });
    try {
      const host = `mongodb://127.0.0.1:${strict.port}/?`;
      expect(await mongrove(`${host}${tlsQuery(true)}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      const error = await pingError(mongrove(`${host}${tlsQuery(false, FAIL_FAST)}`));
      expect(error.message).toMatch(/certificate|closed|reset|hang up/i);
      await expect(official(`${host}${tlsQuery(false, FAIL_FAST)}`).db('admin').command({ ping: 1 })).rejects.toThrow();
    } finally {
      await strict.stop();
    }
  });

  it('rejects bad options with errors naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['yes', /tls must be an object/],
      [{ cert: SERVER_PEM }, /tls\.key must be a PEM private key/],
      [{ key: SERVER_PEM, cert: 'not a pem' }, /tls\.cert must be a PEM certificate/],
      [{ key: SERVER_PEM, cert: SERVER_PEM, ca: 42 }, /tls\.ca must be PEM/],
      [{ key: SERVER_PEM, cert: SERVER_PEM, requireClientCertificate: 'yes' }, /requireClientCertificate must be a boolean/],
      [{ key: SERVER_PEM, cert: SERVER_PEM, requireClientCertificate: true }, /requireClientCertificate needs tls\.ca/],
      // The CA's certificate does not belong to the server's key.
      [{ key: SERVER_PEM, cert: CA_PEM }, /tls key\/cert\/ca cannot be used/],
    ];
    for (const [tls, message] of cases) {
      const error = await MemoryServer.start({ tls: tls as never }).then(
        async (started) => {
          await started.stop();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error, String(message)).toBeInstanceOf(MongoInvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('seeds $external users without a password, but no other user', async () => {
    const external = await MemoryServer.start({ users: [{ user: 'CN=x', db: '$external', roles: [] }] });
    await external.stop();
    await expect(MemoryServer.start({ users: [{ user: 'u', roles: [] }] })).rejects.toThrow(/users\[0\] needs .* 'pwd' \(optional only with db '\$external'\)/);
  });
});

describe('X.509 subjects in RFC 2253 form', () => {
  it('names the fixture client as openssl -nameopt RFC2253 does', async () => {
    const certificate = new X509Certificate(await readFile(TLS_FILES.client));
    expect(rfc2253Subject(certificate.subject)).toBe(CLIENT_SUBJECT);
  });

  it('agrees with openssl on escaped characters and multi-valued RDNs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mongrove-x509-'));
    try {
      const cert = join(dir, 'cert.pem');
      await run('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-multivalue-rdn',
        '-subj', '/C=US/O=Acme, Inc./OU=a+CN=b "q"/CN=#x=y;z<>\\\\', '-keyout', join(dir, 'key.pem'), '-out', cert,
      ]);
      const { stdout } = await run('openssl', ['x509', '-in', cert, '-noout', '-subject', '-nameopt', 'RFC2253']);
      const expected = stdout.trim().replace(/^subject=/, '');
      expect(rfc2253Subject(new X509Certificate(await readFile(cert)).subject)).toBe(expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mongrove-server TLS flags', () => {
  it('parses --tlsCertificateKeyFile, --tlsCAFile and --tlsAllowConnectionsWithoutCertificates', () => {
    expect(parseCliArgs(['--tlsCertificateKeyFile', 's.pem', '--tlsCAFile=ca.pem'])).toEqual({
      kind: 'serve',
      host: '127.0.0.1',
      port: 0,
      tls: { tlsCertificateKeyFile: 's.pem', tlsCAFile: 'ca.pem' },
    });
    expect(parseCliArgs(['--tlsCertificateKeyFile=s.pem', '--tlsCAFile', 'ca.pem', '--tlsAllowConnectionsWithoutCertificates'])).toMatchObject({
      tls: { tlsAllowConnectionsWithoutCertificates: true },
    });
    expect(parseCliArgs(['--tlsCAFile', 'ca.pem'])).toEqual({ kind: 'error', message: '--tlsCAFile needs --tlsCertificateKeyFile' });
    expect(parseCliArgs(['--tlsCertificateKeyFile'])).toEqual({ kind: 'error', message: '--tlsCertificateKeyFile needs a value' });
    expect(parseCliArgs(['--tlsCertificateKeyFile', 's.pem', '--tlsAllowConnectionsWithoutCertificates'])).toMatchObject({ kind: 'error' });
  });

  it('serves TLS with required client certificates, as mongod with --tlsCAFile', { timeout: 20_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--tlsCertificateKeyFile', TLS_FILES.server, '--tlsCAFile', TLS_FILES.ca], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let line = '';
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        line += chunk.toString();
        if (line.includes('\n')) break;
      }
      const uri = line.trim();
      expect(uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/\?tls=true$/);
      const query = `tlsCAFile=${encodeURIComponent(TLS_FILES.ca)}&tlsCertificateKeyFile=${encodeURIComponent(TLS_FILES.client)}&${QUICK}`;
      expect(await official(`${uri}&${query}`).db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('reports an unreadable certificate file by flag and path', { timeout: 20_000 }, async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', '--tlsCertificateKeyFile', '/nonexistent/server.pem']).then(
      () => undefined,
      (e: unknown) => e as { stderr: string; code: number },
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toContain("--tlsCertificateKeyFile '/nonexistent/server.pem' cannot be read");
  });
});
