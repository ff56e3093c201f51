// Load-balanced mode (load-balancers spec, "Downstream Visible Behavioral Changes"), as the
// official driver experiences it: handshakes asking for it get a serviceId, the second port
// routes connections to two services in turn, and a server not behind a balancer is refused
// by the driver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type CommandStartedEvent, type FindCursor } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { parseCliArgs } from '../../src/server/cli-args.js';

const CLIENT_OPTIONS = { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000, monitorCommands: true };

function serviceIdsOf(events: CommandStartedEvent[], commandName: string): string[] {
  return events.filter((e) => e.commandName === commandName).map((e) => e.serviceId?.toHexString() ?? 'none');
}

describe('MemoryServer load-balanced mode', () => {
  let server: MemoryServer;

  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0', loadBalanced: true });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('names both balancers in its uris and has two services', () => {
    expect(server.uri).toMatch(/\?loadBalanced=true$/u);
    expect(server.multiServiceUri).toMatch(/\?loadBalanced=true$/u);
    expect(server.multiServiceUri).not.toBe(server.uri);
    expect(server.serviceIds).toHaveLength(2);
    expect(server.serviceIds[0]?.equals(server.serviceIds[1] ?? server.serviceIds[0])).toBe(false);
  });

  it('answers a load-balanced handshake as a mongos with the single service id', async () => {
    const started: CommandStartedEvent[] = [];
    const client = new MongoClient(server.uri, CLIENT_OPTIONS);
    client.on('commandStarted', (e) => started.push(e));
    try {
      await client.db('admin').command({ ping: 1 });
      expect(serviceIdsOf(started, 'ping')).toEqual([server.serviceIds[0]?.toHexString()]);
      // A hello the application sends (no loadBalanced field) still sees the replica set.
      const hello = await client.db('admin').command({ hello: 1 });
      expect(hello.setName).toBe('rs0');
      expect(hello.serviceId).toBeUndefined();
    } finally {
      await client.close(true);
    }
  });

  it('routes connections of the multi-service balancer to both services in turn', async () => {
    const started: CommandStartedEvent[] = [];
    const client = new MongoClient(server.multiServiceUri ?? '', CLIENT_OPTIONS);
    client.on('commandStarted', (e) => started.push(e));
    const coll = client.db('lb').collection<{ _id: number }>('routing');
    const cursors: FindCursor<{ _id: number }>[] = [];
    try {
      await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
      // Open cursors stay pinned to their connections, so each needs a new one.
      for (let i = 0; i < 3; i++) {
        const cursor = coll.find({}, { batchSize: 1 });
        await cursor.next();
        cursors.push(cursor);
      }
      const services = serviceIdsOf(started, 'find');
      expect(new Set(services).size).toBe(2);
      expect(services.every((id) => server.serviceIds.some((s) => s.toHexString() === id))).toBe(true);
    } finally {
      for (const cursor of cursors) await cursor.close();
      await client.close(true);
    }
  });

  it('runs a transaction on its pinned connection', async () => {
    const client = new MongoClient(server.uri, CLIENT_OPTIONS);
    const coll = client.db('lb').collection<{ _id: number }>('txn');
    try {
      await client.withSession((session) => session.withTransaction(() => coll.insertOne({ _id: 1 }, { session })));
      expect(await coll.countDocuments()).toBe(1);
    } finally {
      await client.close(true);
    }
  });

  it('rejects a non-boolean loadBalanced option', async () => {
    await expect(MemoryServer.start({ loadBalanced: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
  });
});

describe('MemoryServer not behind a load balancer', () => {
  it('answers a load-balanced handshake without a serviceId, which the driver refuses', async () => {
    const server = await MemoryServer.start();
    const client = new MongoClient(`${server.uri}?loadBalanced=true`, { ...CLIENT_OPTIONS, serverSelectionTimeoutMS: 500 });
    try {
      await expect(client.db('admin').command({ ping: 1 })).rejects.toThrow(/load balancing mode/u);
      expect(server.multiServiceUri).toBeUndefined();
      expect(server.serviceIds).toEqual([]);
    } finally {
      await client.close(true);
      await server.stop();
    }
  });
});

describe('mongrove-server --loadBalanced', () => {
  it('parses the flag, alone or with --replSet', () => {
    expect(parseCliArgs(['--loadBalanced'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, loadBalanced: true });
    expect(parseCliArgs(['--replSet', 'rs0', '--loadBalanced'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, replSet: 'rs0', loadBalanced: true });
  });
});
