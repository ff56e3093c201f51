// Refusals a mongod without a search service gives (Atlas Search index commands, $listSearchIndexes)
// and its per-command readConcern rules (snapshot outside transactions, linearizable with $out/$merge),
// checked end to end through the embedded replica set with the official driver as the client.
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
let client: MongoClient;

beforeAll(async () => {
  server = await MemoryServer.start({ replSet: 'rs0' });
  client = await MongoClient.connect(server.uri);
  await client.db('t').collection<{ _id: number }>('c').insertOne({ _id: 1 });
}, 20_000);

afterAll(async () => {
  await client.close();
  await server.stop();
});

async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(MongoServerError);
  return error as MongoServerError;
}

describe('search index commands', () => {
  for (const command of [
    { createSearchIndexes: 'c', indexes: [{ definition: { mappings: { dynamic: true } } }] },
    { dropSearchIndex: 'c', name: 'x' },
    { updateSearchIndex: 'c', name: 'x', definition: {} },
    { aggregate: 'c', pipeline: [{ $listSearchIndexes: {} }], cursor: {} },
  ]) {
    it(`refuses ${Object.keys(command)[0]} with SearchNotEnabled`, async () => {
      const error = await serverError(client.db('t').command(command));
      expect(error.code).toBe(31082);
      expect(error.codeName).toBe('SearchNotEnabled');
      expect(error.message).toContain('Atlas');
    });
  }
});

describe('readConcern support per command', () => {
  it('refuses readConcern snapshot on commands other than find, aggregate and distinct outside a transaction', async () => {
    for (const command of [
      { insert: 'c', documents: [{ _id: 2 }] },
      { listCollections: 1 },
      { listIndexes: 'c' },
    ]) {
      const error = await serverError(client.db('t').command({ ...command, readConcern: { level: 'snapshot' } }));
      expect(error.code).toBe(72);
      expect(error.message).toContain(`Command ${Object.keys(command)[0]} does not support`);
    }
  });

  it('serves readConcern snapshot on find, aggregate and distinct', async () => {
    const reply = await client.db('t').command({ find: 'c', filter: {}, readConcern: { level: 'snapshot' } });
    expect(reply.ok).toBe(1);
    await expect(client.db('t').command({ distinct: 'c', key: '_id', readConcern: { level: 'snapshot' } })).resolves.toMatchObject({ ok: 1 });
  });

  it('refuses $out and $merge under readConcern linearizable', async () => {
    for (const stage of [{ $out: 'other' }, { $merge: { into: 'other' } }]) {
      const error = await serverError(client.db('t').command({ aggregate: 'c', pipeline: [stage], cursor: {}, readConcern: { level: 'linearizable' } }));
      expect(error.code).toBe(72);
      expect(error.message).toContain("cannot be used with a 'linearizable' read concern level");
    }
  });
});
