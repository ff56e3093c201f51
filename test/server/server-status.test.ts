// serverStatus fields applications read, as mongod / mongos report them.
import { describe, expect, it } from 'vitest';
import { Long, MongoClient, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';

function counters(status: Document): Record<string, number> {
  const raw = status.opcounters as Record<string, unknown>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v instanceof Long ? v.toNumber() : Number(v)]));
}

describe('serverStatus', () => {
  it('reports host, version, process, uptime, connections and opcounters', async () => {
    const server = await MemoryServer.start();
    const client = await MongoClient.connect(server.uri, { maxPoolSize: 1 });
    try {
      const admin = client.db('admin');
      const before = counters(await admin.command({ serverStatus: 1 }));
      const coll = client.db('app').collection('c');
      await coll.insertMany([{ a: 1 }, { a: 2 }, { a: 3 }]);
      await coll.find({}, { batchSize: 1 }).toArray();
      await coll.updateOne({ a: 1 }, { $set: { b: 1 } });
      await coll.deleteMany({ a: 3 });
      await coll.countDocuments();
      const status = await admin.command({ serverStatus: 1 });
      expect(status).toMatchObject({ host: `127.0.0.1:${server.port}`, version: expect.any(String), process: 'mongod', ok: 1 });
      expect(status.uptime).toEqual(expect.any(Number));
      expect(status.connections).toMatchObject({ current: expect.any(Number), available: expect.any(Number), totalCreated: expect.any(Number) });
      expect(status.connections.current).toBeGreaterThanOrEqual(1);
      const after = counters(status);
      expect(after.insert - before.insert).toBe(3);
      expect(after.query - before.query).toBe(1);
      expect(after.getmore - before.getmore).toBeGreaterThanOrEqual(2);
      expect(after.update - before.update).toBe(1);
      expect(after.delete - before.delete).toBe(1);
      // countDocuments (an aggregate) and serverStatus itself are commands.
      expect(after.command - before.command).toBeGreaterThanOrEqual(2);
      expect(status.metrics.ttl).toMatchObject({ passes: expect.anything(), deletedDocuments: expect.anything() });
    } finally {
      await client.close();
      await server.stop();
    }
  });

  it("a sharded cluster's routers report process 'mongos'", async () => {
    const server = await MemoryServer.start({ sharded: true });
    const client = await MongoClient.connect(server.uri);
    try {
      expect((await client.db('admin').command({ serverStatus: 1 })).process).toBe('mongos');
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
