// The OIDC test environment of the auth spec (auth/tests/mongodb-oidc.md), simulated for the
// embedded server: an identity provider the server trusts, the spec's test user `test_user1`
// in $external, and the token files drivers-evergreen-tools would leave in OIDC_TOKEN_DIR
// (OIDC_TOKEN_FILE naming test_user1's), which drivers read with ENVIRONMENT:test.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemoryServerOptions, MemoryServerUser } from '../../src/server/index.js';

const ISSUER = 'https://oidc.unified-runner.example';
const AUDIENCE = 'mongrove-unified';
const SECRET = 'unified-runner-oidc-secret';
/** Long enough for any test file; the spec's 391 tests use failCommand, not expiry. */
const TOKEN_LIFETIME_S = 3600;

/** The spec's machine users; test_user1 is the one OIDC_TOKEN_FILE names. */
export const OIDC_TEST_USERS = ['test_user1', 'test_user2', 'test_machine'] as const;

/** The server options enabling the simulated identity provider; `users` gain its $external users. */
export function oidcServerOptions(users: readonly MemoryServerUser[]): Pick<MemoryServerOptions, 'oidc' | 'users'> {
  const external = OIDC_TEST_USERS.map((user) => ({ user, db: '$external', roles: [{ role: 'readWriteAnyDatabase', db: 'admin' }] }));
  return { oidc: { issuer: ISSUER, audience: AUDIENCE, secret: SECRET }, users: [...users, ...external] };
}

function mintToken(subject: string): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: subject, exp: Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S };
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

const TOKEN_VARIABLES = ['OIDC_TOKEN_DIR', 'OIDC_TOKEN_FILE'] as const;

/**
 * Writes one token file per test user to a new directory and points OIDC_TOKEN_DIR and
 * OIDC_TOKEN_FILE at it. Returns the undo: the variables' previous values, the directory gone.
 */
export function installOidcTokenEnvironment(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'mongrove-oidc-'));
  for (const user of OIDC_TEST_USERS) writeFileSync(join(dir, user), mintToken(user));
  const previous = TOKEN_VARIABLES.map((name) => [name, process.env[name]] as const);
  process.env.OIDC_TOKEN_DIR = dir;
  process.env.OIDC_TOKEN_FILE = join(dir, 'test_user1');
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
