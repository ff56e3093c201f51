import { describe, expect, it } from 'vitest';
import { domainMismatch, lookupSrvHosts, parseConnectionStringWithSrv } from '../../../src/connection/srv/seedlist.js';
import { parseConnectionString } from '../../../src/connection/uri/parse.js';
import { MongoError, MongoParseError } from '../../../src/errors.js';
import { fakeResolver, type FakeZone } from '../../support/fake-dns.js';

const zoneFor = (srvHost: string, targets: string[]): FakeZone => ({
  a: {},
  srv: { [`_mongodb._tcp.${srvHost}`]: targets.map((target) => ({ target, port: 27017 })) },
  txt: {},
});

describe('SRV host validation (spec prose tests)', () => {
  it('1. allows SRV host names with fewer than 3 parts before DNS', () => {
    expect(parseConnectionString('mongodb+srv://localhost').srvHost).toBe('localhost');
    expect(parseConnectionString('mongodb+srv://mongo.local').srvHost).toBe('mongo.local');
  });

  const rejected: [string, string][] = [
    // 2. returned address does not end with the SRV domain
    ['localhost', 'localhost.mongodb'],
    ['mongo.local', 'test_1.evil.local'],
    ['blogs.mongodb.com', 'blogs.evil.com'],
    // 3. returned address identical to a short SRV host
    ['localhost', 'localhost'],
    ['mongo.local', 'mongo.local'],
    // 4. shared part not separated by '.'
    ['localhost', 'test_1.cluster_1localhost'],
    ['mongo.local', 'test_1.my_hostmongo.local'],
    ['blogs.mongodb.com', 'cluster.testmongodb.com'],
  ];
  it.each(rejected)('rejects %s resolving to %s', async (srvHost, target) => {
    expect(domainMismatch(srvHost, target)).toBeDefined();
    await expect(lookupSrvHosts(srvHost, 'mongodb', fakeResolver(zoneFor(srvHost, [target])))).rejects.toThrow(MongoError);
  });

  it('accepts targets below the SRV domain', async () => {
    expect(domainMismatch('localhost', 'a.localhost')).toBeUndefined();
    expect(domainMismatch('cluster0.mongodb.net', 'shard-00.MONGODB.net.')).toBeUndefined();
    const hosts = await lookupSrvHosts('mongo.local', 'mongodb', fakeResolver(zoneFor('mongo.local', ['a.mongo.local.'])));
    expect(hosts).toEqual([{ type: 'hostname', host: 'a.mongo.local', port: 27017 }]);
  });
});

describe('parseConnectionStringWithSrv', () => {
  it('does no DNS query for a URI that is invalid before resolution', async () => {
    const resolver = fakeResolver();
    await expect(parseConnectionStringWithSrv('mongodb+srv://test1.test.build.10gen.cc/?directConnection=true', {}, resolver)).rejects.toThrow(MongoParseError);
    expect(resolver.queries).toEqual([]);
  });

  it('queries the custom service name and turns TLS on by default', async () => {
    const resolver = fakeResolver();
    const o = await parseConnectionStringWithSrv('mongodb+srv://test22.test.build.10gen.cc/?srvServiceName=customname', {}, resolver);
    expect(resolver.queries).toContain('SRV _customname._tcp.test22.test.build.10gen.cc');
    expect(o.hosts).toEqual([{ type: 'hostname', host: 'localhost.test.build.10gen.cc', port: 27017 }]);
    expect(o.tls.enabled).toBe(true);
  });

  it('lets code options override both the URI and TXT options', async () => {
    const o = await parseConnectionStringWithSrv('mongodb+srv://test5.test.build.10gen.cc/?authSource=uriDB', { authSource: 'codeDB', tls: false }, fakeResolver());
    expect(o.authSource).toBe('codeDB');
    expect(o.replicaSet).toBe('repl0');
    expect(o.tls.enabled).toBe(false);
  });

  it('picks a random subset of srvMaxHosts seeds from the SRV records', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const o = await parseConnectionStringWithSrv('mongodb+srv://test1.test.build.10gen.cc/?srvMaxHosts=1', {}, fakeResolver());
      expect(o.hosts).toHaveLength(1);
      const [h] = o.hosts;
      if (h.type !== 'unix') seen.add(h.port);
    }
    expect([...seen].every((p) => p === 27017 || p === 27018)).toBe(true);
    expect(seen.size).toBe(2);
  });

  it('returns a non-SRV URI unchanged, without DNS', async () => {
    const resolver = fakeResolver();
    const o = await parseConnectionStringWithSrv('mongodb://a,b', {}, resolver);
    expect(o.hosts).toHaveLength(2);
    expect(resolver.queries).toEqual([]);
  });
});
