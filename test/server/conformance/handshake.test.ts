// The handshake and admin commands as the official driver sees them.
import { describe, expect, it } from 'vitest';
import { MongoServerError } from 'mongodb';
import { useServer } from '../support/server-fixture.js';

describe('handshake and admin commands (official driver)', () => {
  const fixture = useServer();

  it('answers ping with ok: 1', async () => {
    expect(await fixture.client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
  });

  it('answers hello like a standalone 8.0 server', async () => {
    const hello = await fixture.client.db('admin').command({ hello: 1, helloOk: true });
    expect(hello).toMatchObject({
      helloOk: true,
      isWritablePrimary: true,
      maxBsonObjectSize: 16777216,
      maxMessageSizeBytes: 48000000,
      maxWriteBatchSize: 100000,
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
      maxWireVersion: 25,
      readOnly: false,
      ok: 1,
    });
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello.topologyVersion.processId.toHexString()).toMatch(/^[0-9a-f]{24}$/);
    expect(hello).not.toHaveProperty('saslSupportedMechs');
    expect(hello).not.toHaveProperty('setName');
  });

  it('answers the legacy isMaster with ismaster: true', async () => {
    const reply = await fixture.client.db('admin').command({ isMaster: 1 });
    expect(reply.ismaster).toBe(true);
    expect(reply).not.toHaveProperty('isWritablePrimary');
  });

  it('answers buildInfo with version 8.0.0', async () => {
    const info = await fixture.client.db('admin').command({ buildInfo: 1 });
    expect(info.version).toBe('8.0.0');
    expect(info.versionArray).toEqual([8, 0, 0, 0]);
    expect(info.maxBsonObjectSize).toBe(16777216);
  });

  it('reports an unknown command as CommandNotFound (59)', async () => {
    const error = await fixture.client.db('test').command({ noSuchThing: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound', message: "no such command: 'noSuchThing'" });
  });

  it('looks commands up case-sensitively', async () => {
    await expect(fixture.client.db('admin').command({ PING: 1 })).rejects.toMatchObject({ code: 59 });
  });

  it('rejects admin-only commands on another database', async () => {
    await expect(fixture.client.db('test').command({ getParameter: 1, featureCompatibilityVersion: 1 })).rejects.toMatchObject({
      code: 13,
      codeName: 'Unauthorized',
    });
    const fcv = await fixture.client.db('admin').command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion).toEqual({ version: '8.0' });
  });

  it('answers serverStatus, connectionStatus, whatsmyuri, hostInfo, getCmdLineOpts and getLog', async () => {
    const admin = fixture.client.db('admin');
    const status = await admin.command({ serverStatus: 1 });
    expect(status).toMatchObject({ version: '8.0.0', process: 'mongod', host: `127.0.0.1:${fixture.server.port}` });
    expect(status.connections.current).toBeGreaterThan(0);
    expect((await admin.command({ connectionStatus: 1 })).authInfo).toEqual({ authenticatedUsers: [], authenticatedUserRoles: [] });
    expect((await admin.command({ whatsmyuri: 1 })).you).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await admin.command({ hostInfo: 1 })).system.numCores).toBeGreaterThan(0);
    expect((await admin.command({ getCmdLineOpts: 1 })).parsed.net.port).toBe(fixture.server.port);
    expect(await admin.command({ getLog: 'startupWarnings' })).toMatchObject({ totalLinesWritten: 0, log: [] });
  });

  it('answers replSetGetStatus like a standalone', async () => {
    await expect(fixture.client.db('admin').command({ replSetGetStatus: 1 })).rejects.toMatchObject({
      code: 76,
      codeName: 'NoReplicationEnabled',
    });
  });

  it('validates generic arguments', async () => {
    const db = fixture.client.db('admin');
    await expect(db.command({ ping: 1, maxTimeMS: -1 })).rejects.toMatchObject({ code: 2 });
    await expect(db.command({ ping: 1, readConcern: { level: 'bogus' } })).rejects.toMatchObject({ code: 2 });
    await expect(db.command({ ping: 1, writeConcern: { w: -1 } })).rejects.toMatchObject({ code: 9 });
    await expect(db.command({ ping: 1, writeConcern: { w: true } })).rejects.toMatchObject({ code: 9 });
    expect(await db.command({ ping: 1, writeConcern: { w: 'majority', wtimeout: 100 }, readConcern: { level: 'local' } })).toEqual({ ok: 1 });
  });

  it('lists its commands', async () => {
    const { commands } = await fixture.client.db('admin').command({ listCommands: 1 });
    expect(Object.keys(commands)).toEqual(expect.arrayContaining(['hello', 'ping', 'getMore', 'killCursors', 'configureFailPoint']));
  });

  it('negotiates compression and serves compressed requests', async () => {
    for (const compressor of ['zlib', 'snappy'] as const) {
      const client = await fixture.newClient({ compressors: [compressor] });
      expect(await client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
      const status = await client.db('admin').command({ serverStatus: 1 });
      expect(status.version).toBe('8.0.0');
    }
  });
});
