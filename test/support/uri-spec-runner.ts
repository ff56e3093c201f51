// Shared runner for the connection-string and uri-options spec formats (same shape):
// valid / warning / hosts / auth / options, with null meaning "no assertion".
import { expect } from 'vitest';
import { parseConnectionString } from '../../src/connection/uri/parse.js';
import type { HostAddress } from '../../src/connection/uri/hosts.js';
import { MongoError } from '../../src/errors.js';
import type { SpecCase } from '../spec/harness.js';
import { specFiles } from './specs-dir.js';
import { optionsView } from './uri-option-view.js';

interface ExpectedHost {
  type?: string | null;
  host: string;
  port: number | null;
}

interface UriSpecTest {
  description: string;
  uri: string;
  valid: boolean;
  warning?: boolean | null;
  hosts?: ExpectedHost[] | null;
  auth?: { username?: string | null; password?: string | null; db?: string | null } | null;
  options?: Record<string, unknown> | null;
}

export function uriSpecCases(suite: string): SpecCase[] {
  return specFiles<{ tests: UriSpecTest[] }>(suite).flatMap((file) =>
    file.content.tests.map((test) => ({ file: file.name, name: test.description, run: () => runUriSpecTest(test) })),
  );
}

function runUriSpecTest(test: UriSpecTest): void {
  if (!test.valid) {
    expect(() => parseConnectionString(test.uri)).toThrow(MongoError);
    return;
  }
  const parsed = parseConnectionString(test.uri);
  if (test.warning === true) expect(parsed.warnings.length, 'expected a warning').toBeGreaterThan(0);
  if (test.warning === false) expect(parsed.warnings).toEqual([]);
  if (test.hosts) {
    expect(parsed.hosts.map((h, i) => hostView(h, test.hosts?.[i]))).toEqual(test.hosts.map(expectedHostView));
  }
  if (test.auth) {
    const { username, password, db } = test.auth;
    if (username != null) expect(parsed.credentials?.username).toBe(username);
    if (password != null) expect(parsed.credentials?.password).toBe(password);
    if (db != null) expect(parsed.defaultDatabase).toBe(db);
  }
  if (test.options) expect(optionsView(parsed, test.options)).toMatchObject(test.options);
}

/** Our host in the test's shape; fields the test leaves null are not compared. */
function hostView(host: HostAddress, expected: ExpectedHost | undefined): Record<string, unknown> {
  const view: Record<string, unknown> =
    host.type === 'unix' ? { type: 'unix', host: host.path, port: null } : { type: host.type, host: host.host, port: host.port };
  if (expected?.port == null) view.port = null;
  if (expected?.type == null) view.type = null;
  return view;
}

function expectedHostView(host: ExpectedHost): Record<string, unknown> {
  return { type: host.type ?? null, host: host.host, port: host.port ?? null };
}
