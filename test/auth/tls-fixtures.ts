// Paths and contents of the test-only TLS material (test/fixtures/tls, made by scripts/gen-test-certs.sh).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const DIR = resolve(import.meta.dirname, '../fixtures/tls');

export const TLS_FILES = {
  ca: resolve(DIR, 'ca.pem'),
  otherCa: resolve(DIR, 'other-ca.pem'),
  server: resolve(DIR, 'server.pem'),
  client: resolve(DIR, 'client.pem'),
} as const;

export const SERVER_PEM = readFileSync(TLS_FILES.server);
export const CA_PEM = readFileSync(TLS_FILES.ca);
/** The client certificate's subject as `openssl x509 -nameopt RFC2253` printed it: the X.509 user name. */
export const CLIENT_SUBJECT = readFileSync(resolve(DIR, 'client-subject.txt'), 'utf8').trim();

export const QUICK = 'serverSelectionTimeoutMS=3000&connectTimeoutMS=3000';
/** For connections expected to fail: server selection gives up quickly. */
export const FAIL_FAST = 'serverSelectionTimeoutMS=400&connectTimeoutMS=1000';

/** Client options for a TLS connection that trusts the test CA, optionally presenting the client certificate. */
export function tlsQuery(withClientCertificate: boolean, timeouts = QUICK): string {
  const cert = withClientCertificate ? `&tlsCertificateKeyFile=${encodeURIComponent(TLS_FILES.client)}` : '';
  return `tls=true&tlsCAFile=${encodeURIComponent(TLS_FILES.ca)}${cert}&${timeouts}`;
}
