import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConnectionString } from '../../../src/connection/uri/parse.js';
import { ReadPreference } from '../../../src/concerns/read-preference.js';
import { MongoInvalidArgumentError, MongoParseError } from '../../../src/errors.js';

describe('parseConnectionString: defaults and shape', () => {
  it('fills documented defaults and freezes the result', () => {
    const o = parseConnectionString('mongodb://localhost');
    expect(o.hosts).toEqual([{ type: 'hostname', host: 'localhost', port: 27017 }]);
    expect(o.pool).toEqual({ maxPoolSize: 100, minPoolSize: 0, maxConnecting: 2, maxIdleTimeMS: 0, waitQueueTimeoutMS: 0 });
    expect(o).toMatchObject({
      connectTimeoutMS: 10_000,
      socketTimeoutMS: 0,
      timeoutMS: undefined,
      serverSelectionTimeoutMS: 30_000,
      heartbeatFrequencyMS: 10_000,
      localThresholdMS: 15,
      serverMonitoringMode: 'auto',
      retryReads: true,
      retryWrites: true,
      loadBalanced: false,
      directConnection: false,
      zlibCompressionLevel: -1,
      srvServiceName: 'mongodb',
      srvMaxHosts: 0,
      credentials: undefined,
    });
    expect(o.readPreference.mode).toBe('primary');
    expect(o.writeConcern.isServerDefault).toBe(true);
    expect(o.readConcern.isServerDefault).toBe(true);
    expect(o.tls.enabled).toBe(false);
    expect(Object.isFrozen(o)).toBe(true);
    expect(Object.isFrozen(o.hosts)).toBe(true);
    expect(Object.isFrozen(o.tls)).toBe(true);
    expect(o.warnings).toEqual([]);
  });

  it('matches option names case-insensitively and records what was specified', () => {
    const o = parseConnectionString('mongodb://h/?MAXPOOLSIZE=7&appName=app');
    expect(o.pool.maxPoolSize).toBe(7);
    expect(o.appName).toBe('app');
    expect(o.specifiedOptions).toEqual(['appName', 'maxPoolSize']);
  });

  it('parses ports and IP literals for any valid port', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('example.com', '10.1.2.3', '[::1]'), (port, host) => {
        const [h] = parseConnectionString(`mongodb://${host}:${port}`).hosts;
        expect(h).toMatchObject({ host: host.replace(/[[\]]/g, ''), port });
      }),
    );
  });
});

describe('parseConnectionString: warnings name the option and the reason', () => {
  it('warns and ignores an invalid URI value, naming the option', () => {
    const o = parseConnectionString('mongodb://h/?maxPoolSize=abc');
    expect(o.pool.maxPoolSize).toBe(100);
    expect(o.warnings).toEqual([expect.stringContaining('invalid value for maxPoolSize: "abc" is not an integer')]);
  });

  it('warns about unknown options without applying them', () => {
    const o = parseConnectionString('mongodb://h/?connectMS=5');
    expect(o.warnings).toEqual([expect.stringContaining('unsupported option "connectMS"')]);
  });

  it('applies a deprecated alias alone, with a warning naming the replacement', () => {
    const o = parseConnectionString('mongodb://h/?wtimeout=5');
    expect(o.writeConcern.wtimeoutMS).toBe(5);
    expect(o.warnings).toEqual([expect.stringContaining('use "wTimeoutMS"')]);
  });

  it('ignores a deprecated alias when the replacement is present, whatever the order', () => {
    const o = parseConnectionString('mongodb://h/?wTimeoutMS=10&wtimeout=5');
    expect(o.writeConcern.wtimeoutMS).toBe(10);
    expect(o.warnings[0]).toContain('"wtimeout" was ignored');
  });

  it('warns on unknown compressors and keeps the known ones in order', () => {
    const o = parseConnectionString('mongodb://h/?compressors=zstd,lz4,zlib');
    expect(o.compressors).toEqual(['zstd', 'zlib']);
    expect(o.warnings).toEqual([expect.stringContaining('"lz4"')]);
  });

  it('never logs: warnings are only collected', () => {
    const original = console.warn;
    let logged = 0;
    console.warn = () => void logged++;
    try {
      parseConnectionString('mongodb://h/?foo=bar');
    } finally {
      console.warn = original;
    }
    expect(logged).toBe(0);
  });
});

describe('parseConnectionString: errors', () => {
  const cases: [string, RegExp][] = [
    ['mongodb://h/?w=-1', /w/],
    ['mongodb://h/?w=0&journal=true', /w: 0.*journal: true/],
    ['mongodb://h/?minPoolSize=10&maxPoolSize=5', /minPoolSize 10 is greater than maxPoolSize 5/],
    ['mongodb://h/?readPreferenceTags=dc:ny', /primary cannot be combined with tag sets/],
    ['mongodb://h/?maxStalenessSeconds=120', /primary cannot be combined with maxStalenessSeconds/],
    ['mongodb://h/?tlsInsecure=true&tlsAllowInvalidHostnames=true', /tlsInsecure and tlsAllowInvalidHostnames/],
    ['mongodb://h/?authSource=', /authSource/],
    [`mongodb://h/?appName=${'x'.repeat(129)}`, /appName.*129 bytes/],
    ['mongodb://h/?srvServiceName=x', /srvServiceName is only valid with a mongodb\+srv/],
    ['mongodb+srv://a.b.c/?srvServiceName=bad_name', /srvServiceName/],
    ['mongodb://h/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:test,ALLOWED_HOSTS:x', /ALLOWED_HOSTS/],
    ['mongodb://h/?authMechanism=FOO', /authMechanism "FOO" is not supported/],
    ['mongodb://h/bad$db', /invalid database name/],
    ['mongodb://h:0', /port/],
    ['mongodb://%2Ftmp%2Fsocket', /\.sock/],
  ];
  it.each(cases)('%s', (uri, message) => {
    expect(() => parseConnectionString(uri)).toThrow(MongoParseError);
    expect(() => parseConnectionString(uri)).toThrow(message);
  });

  it('rejects invalid values given in code, naming the option', () => {
    expect(() => parseConnectionString('mongodb://h', { maxPoolSize: 'abc' as unknown as number })).toThrow(MongoInvalidArgumentError);
    expect(() => parseConnectionString('mongodb://h', { maxPoolSize: 1.5 })).toThrow(/invalid value for maxPoolSize: expected an integer/);
    expect(() => parseConnectionString('mongodb://h', { serverMonitoringMode: 'fast' as 'poll' })).toThrow(/serverMonitoringMode/);
    expect(() => parseConnectionString('mongodb://h', { serverApi: { version: '2' as '1' } })).toThrow(/serverApi.version/);
  });
});

describe('parseConnectionString: options given in code override the URI', () => {
  it('overrides scalar options, the write concern, read preference and tls', () => {
    const o = parseConnectionString('mongodb://h/?maxPoolSize=5&w=1&readPreference=secondary&tls=false', {
      maxPoolSize: 9,
      writeConcern: { w: 'majority' },
      readPreference: ReadPreference.nearest,
      tls: true,
      tlsCAFile: 'ca.pem',
    });
    expect(o.pool.maxPoolSize).toBe(9);
    expect(o.writeConcern.w).toBe('majority');
    expect(o.readPreference.mode).toBe('nearest');
    expect(o.tls).toMatchObject({ enabled: true, caFile: 'ca.pem' });
  });

  it('merges mechanism properties key by key and accepts OIDC callbacks from code', () => {
    const callback = async (): Promise<{ accessToken: string }> => ({ accessToken: 't' });
    const o = parseConnectionString('mongodb://h/?authMechanism=MONGODB-OIDC', { authMechanismProperties: { OIDC_CALLBACK: callback } });
    expect(o.credentials?.mechanism).toBe('MONGODB-OIDC');
    expect(o.credentials?.mechanismProperties.OIDC_CALLBACK).toBe(callback);
    expect(o.credentials?.mechanismProperties.ALLOWED_HOSTS).toContain('localhost');
  });

  it('takes a username and password from `auth`', () => {
    const o = parseConnectionString('mongodb://h/db', { auth: { username: 'u', password: 'p' } });
    expect(o.credentials).toMatchObject({ username: 'u', password: 'p', source: 'db', mechanism: undefined });
  });

  it('tlsInsecure relaxes both certificate and host name checks', () => {
    expect(parseConnectionString('mongodb://h/?tls=true&tlsInsecure=true').tls).toMatchObject({
      insecure: true,
      allowInvalidCertificates: true,
      allowInvalidHostnames: true,
    });
  });

  it('parses proxy options together', () => {
    expect(parseConnectionString('mongodb://h/?proxyHost=p&proxyUsername=u&proxyPassword=w').proxy).toEqual({
      host: 'p',
      port: 1080,
      username: 'u',
      password: 'w',
    });
  });
});
