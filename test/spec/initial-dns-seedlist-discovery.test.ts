// initial-dns-seedlist-discovery, run through a fake resolver serving the zone the spec's
// tests/README.md lists. No server: `ping` is not run. `hosts` (what SDAM would discover)
// is asserted exactly where it equals the seed list (sharded, load-balanced); for replica
// sets, where the members report themselves as localhost:2701x, we assert that every seed
// resolves (by the zone's A records) to one of those members.
import { expect } from 'vitest';
import { parseConnectionStringWithSrv } from '../../src/connection/srv/seedlist.js';
import { hostAddressToString } from '../../src/connection/uri/hosts.js';
import type { ParsedConnectionString } from '../../src/connection/uri/types.js';
import { MongoError } from '../../src/errors.js';
import { registerSpecSuite, type SpecCase } from './harness.js';
import { fakeResolver, resolveAddress } from '../support/fake-dns.js';
import { specFiles } from '../support/specs-dir.js';
import { optionsView } from '../support/uri-option-view.js';

interface SeedlistTest {
  uri: string;
  seeds?: string[];
  numSeeds?: number;
  hosts?: string[];
  numHosts?: number;
  options?: Record<string, unknown>;
  parsed_options?: Record<string, string>;
  error?: boolean;
  comment?: string;
}

const sorted = (list: readonly string[]): string[] => [...list].sort();
const byAddress = (hostPort: string): string => {
  const colon = hostPort.lastIndexOf(':');
  return `${resolveAddress(hostPort.slice(0, colon))}:${hostPort.slice(colon + 1)}`;
};

function parsedOption(parsed: ParsedConnectionString, name: string): unknown {
  switch (name) {
    case 'user':
      return parsed.credentials?.username;
    case 'password':
      return parsed.credentials?.password;
    case 'db':
    case 'auth_database':
    case 'defaultDatabase':
      return parsed.defaultDatabase;
    default:
      throw new Error(`parsed_options.${name} is not mapped in this runner`);
  }
}

async function run(file: string, test: SeedlistTest): Promise<void> {
  const resolver = fakeResolver();
  if (test.error) {
    await expect(parseConnectionStringWithSrv(test.uri, {}, resolver)).rejects.toThrow(MongoError);
    return;
  }
  const parsed = await parseConnectionStringWithSrv(test.uri, {}, resolver);
  const seeds = parsed.hosts.map(hostAddressToString);
  if (test.seeds) expect(sorted(seeds)).toEqual(sorted(test.seeds));
  if (test.numSeeds !== undefined) expect(seeds).toHaveLength(test.numSeeds);
  if (test.hosts) {
    if (sorted(test.hosts).join() === sorted(test.seeds ?? []).join()) {
      expect(sorted(seeds)).toEqual(sorted(test.hosts));
    } else {
      const members = new Set(test.hosts.map(byAddress));
      for (const seed of seeds) expect(members, `seed ${seed} is not a member of ${test.hosts.join(', ')}`).toContain(byAddress(seed));
    }
  }
  // Routers and load balancers add no hosts beyond the seed list.
  if (test.numHosts !== undefined && !file.startsWith('replica-set')) expect(seeds).toHaveLength(test.numHosts);
  if (test.options) expect(optionsView(parsed, test.options)).toMatchObject(test.options);
  for (const [name, value] of Object.entries(test.parsed_options ?? {})) expect(parsedOption(parsed, name), name).toBe(value);
}

const cases: SpecCase[] = specFiles<SeedlistTest>('initial-dns-seedlist-discovery').map((file) => ({
  file: file.name,
  name: file.content.comment ?? file.name.replace(/\.json$/, ''),
  run: () => run(file.name, file.content),
}));

registerSpecSuite('initial-dns-seedlist-discovery', cases);
