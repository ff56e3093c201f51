// A DnsResolver serving the test zone that the initial-dns-seedlist-discovery
// spec's tests/README.md lists (records transcribed from that listing), plus a
// helper to build ad-hoc zones for prose tests.
import type { DnsResolver, SrvRecord } from '../../src/connection/srv/resolver.js';

export interface FakeZone {
  /** Query name (without trailing dot) → SRV targets. */
  srv: Record<string, readonly { target: string; port: number }[]>;
  /** Host name → TXT records, each a list of character strings. */
  txt: Record<string, readonly (readonly string[])[]>;
  /** Host name → IPv4 address (the README's A records). */
  a: Record<string, string>;
}

const LOCAL = 'localhost.test.build.10gen.cc.';
const srv = (target: string, port: number): { target: string; port: number } => ({ target, port });

export const SPEC_TEST_ZONE: FakeZone = {
  a: {
    'localhost.test.build.10gen.cc': '127.0.0.1',
    'localhost.sub.test.build.10gen.cc': '127.0.0.1',
  },
  srv: {
    '_mongodb._tcp.test1.test.build.10gen.cc': [srv(LOCAL, 27017), srv(LOCAL, 27018)],
    '_mongodb._tcp.test2.test.build.10gen.cc': [srv(LOCAL, 27018), srv(LOCAL, 27019)],
    '_mongodb._tcp.test3.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test5.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test6.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test7.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test8.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test10.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test11.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test12.test.build.10gen.cc': [srv('localhost.build.10gen.cc.', 27017)],
    '_mongodb._tcp.test13.test.build.10gen.cc': [srv('test.build.10gen.cc.', 27017)],
    '_mongodb._tcp.test14.test.build.10gen.cc': [srv('localhost.not-test.build.10gen.cc.', 27017)],
    '_mongodb._tcp.test15.test.build.10gen.cc': [srv('localhost.test.not-build.10gen.cc.', 27017)],
    '_mongodb._tcp.test16.test.build.10gen.cc': [srv('localhost.test.build.not-10gen.cc.', 27017)],
    '_mongodb._tcp.test17.test.build.10gen.cc': [srv('localhost.test.build.10gen.not-cc.', 27017)],
    '_mongodb._tcp.test18.test.build.10gen.cc': [srv('localhost.sub.test.build.10gen.cc.', 27017)],
    '_mongodb._tcp.test19.test.build.10gen.cc': [srv('localhost.evil.build.10gen.cc.', 27017), srv(LOCAL, 27017)],
    '_mongodb._tcp.test20.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test21.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_customname._tcp.test22.test.build.10gen.cc': [srv(LOCAL, 27017)],
    '_mongodb._tcp.test23.test.build.10gen.cc': [srv(LOCAL, 8000)],
    '_mongodb._tcp.test24.test.build.10gen.cc': [srv(LOCAL, 8000)],
  },
  txt: {
    'test5.test.build.10gen.cc': [['replicaSet=repl0&authSource=thisDB']],
    'test6.test.build.10gen.cc': [['replicaSet=repl0'], ['authSource=otherDB']],
    'test7.test.build.10gen.cc': [['ssl=false']],
    'test8.test.build.10gen.cc': [['authSource']],
    'test10.test.build.10gen.cc': [['socketTimeoutMS=500']],
    'test11.test.build.10gen.cc': [['replicaS', 'et=rep', 'l0']],
    'test20.test.build.10gen.cc': [['loadBalanced=true']],
    'test21.test.build.10gen.cc': [['loadBalanced=false']],
    'test24.test.build.10gen.cc': [['loadBalanced=true']],
  },
};

/** node:dns-like error for a name with no records of the asked type. */
function noData(kind: string, name: string): Error {
  return Object.assign(new Error(`query${kind} ENODATA ${name}`), { code: 'ENODATA', hostname: name });
}

export interface RecordingResolver extends DnsResolver {
  readonly queries: string[];
}

/** Serves a zone; names are matched case-insensitively (DNS is), trailing dots ignored. */
export function fakeResolver(zone: FakeZone = SPEC_TEST_ZONE): RecordingResolver {
  const key = (name: string): string => name.toLowerCase().replace(/\.$/, '');
  const srvByName = new Map(Object.entries(zone.srv).map(([k, v]) => [key(k), v]));
  const txtByName = new Map(Object.entries(zone.txt).map(([k, v]) => [key(k), v]));
  const queries: string[] = [];
  return {
    queries,
    async resolveSrv(name: string): Promise<SrvRecord[]> {
      queries.push(`SRV ${name}`);
      const records = srvByName.get(key(name));
      if (!records) throw noData('Srv', name);
      return records.map((r) => ({ name: r.target.replace(/\.$/, ''), port: r.port, priority: 0, weight: 0 }));
    },
    async resolveTxt(name: string): Promise<string[][]> {
      queries.push(`TXT ${name}`);
      const records = txtByName.get(key(name));
      if (!records) throw noData('Txt', name);
      return records.map((r) => [...r]);
    },
  };
}

/** The address a host name resolves to in the zone ("localhost" is the loopback address). */
export function resolveAddress(host: string, zone: FakeZone = SPEC_TEST_ZONE): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost') return '127.0.0.1';
  return zone.a[name] ?? name;
}
