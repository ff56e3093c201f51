// auth/legacy: credentials parsed from connection strings (the unified OIDC file needs a server: not this runner).
import { expect } from 'vitest';
import { parseConnectionString } from '../../src/connection/uri/parse.js';
import { MongoError } from '../../src/errors.js';
import { registerSpecSuite, type SpecCase } from './harness.js';
import { specFiles } from '../support/specs-dir.js';

interface ExpectedCredential {
  username?: string | null;
  password?: string | null;
  source?: string | null;
  mechanism?: string | null;
  mechanism_properties?: Record<string, unknown> | null;
}

interface AuthTest {
  description: string;
  uri: string;
  valid: boolean;
  credential?: ExpectedCredential | null;
}

function run(test: AuthTest): void {
  if (!test.valid) {
    expect(() => parseConnectionString(test.uri)).toThrow(MongoError);
    return;
  }
  const { credentials } = parseConnectionString(test.uri);
  const expected = test.credential;
  if (expected === null || expected === undefined) {
    expect(credentials).toBeUndefined();
    return;
  }
  expect(credentials).toBeDefined();
  // A key present with null means "not set" (README); absent keys are not asserted.
  if ('username' in expected) expect(credentials?.username).toBe(expected.username ?? undefined);
  if ('password' in expected) expect(credentials?.password).toBe(expected.password ?? undefined);
  if ('source' in expected) expect(credentials?.source).toBe(expected.source ?? undefined);
  if ('mechanism' in expected) expect(credentials?.mechanism).toBe(expected.mechanism ?? undefined);
  if ('mechanism_properties' in expected) {
    const properties = expected.mechanism_properties;
    if (properties == null) expect(credentials?.mechanismProperties ?? {}).toEqual({});
    else expect(credentials?.mechanismProperties).toMatchObject(properties);
  }
}

const cases: SpecCase[] = specFiles<{ tests: AuthTest[] }>('auth', 'legacy').flatMap((file) =>
  file.content.tests.map((test) => ({ file: file.name, name: test.description, run: () => run(test) })),
);

registerSpecSuite('auth', cases);
