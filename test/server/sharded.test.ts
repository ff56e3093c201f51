// Sharded mode: two mongos routers over one engine. What drivers can observe of real mongoses:
// the handshake, per-router failpoints and cursors, cluster-wide data and transactions, and the
// recoveryToken with which a router that did not run a transaction recovers its outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type TopologyDescription } from 'mongodb';
import { Long, UUID, type Document } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { MemoryServer } from '../../src/server/index.js';
import { parseCliArgs, USAGE } from '../../src/server/cli-args.js';
import { encodeMessage, OP_MSG, type DecodedOpMsg } from '../../src/wire/index.js';
import { RawClient } from './support/raw-client.js';

/** One connection to one router; `lsid` is the session its transaction commands use. */
class RawRouter {
  private requestId = 0;

  constructor(private readonly raw: RawClient) {}

  async run(body: Document, dbName = 'shard'): Promise<Document> {
    this.requestId++;
    this.raw.send(encodeMessage({ opCode: OP_MSG, requestId: this.requestId, responseTo: 0, body: { ...body, $db: dbName } }));
    const reply = (await this.raw.messages(this.requestId))[this.requestId - 1];
    if (reply === undefined) throw new Error('no reply');
    return (reply as DecodedOpMsg).body();
  }

  statement(lsid: Document, txn: number, body: Document, start = false): Promise<Document> {
    return this.run({ ...body, lsid, txnNumber: Long.fromNumber(txn), autocommit: false, ...(start ? { startTransaction: true } : {}) });
  }

  end(command: 'commitTransaction' | 'abortTransaction', lsid: Document, txn: number, extra: Document = {}): Promise<Document> {
    return this.run({ [command]: 1, lsid, txnNumber: Long.fromNumber(txn), autocommit: false, ...extra }, 'admin');
  }
}

function portsOf(uri: string | undefined): number[] {
  const hosts = /^mongodb:\/\/([^/]+)\//u.exec(uri ?? '')?.[1] ?? '';
  return hosts.split(',').map((host) => Number(host.slice(host.lastIndexOf(':') + 1)));
}

describe('MemoryServer sharded mode', () => {
  let server: MemoryServer;
  let ports: number[];
  const opened: RawClient[] = [];

  beforeAll(async () => {
    server = await MemoryServer.start({ sharded: true });
    ports = portsOf(server.multiMongosUri);
  });

  afterAll(async () => {
    for (const raw of opened) raw.close();
    await server.stop();
  });

  const router = async (index: number): Promise<RawRouter> => {
    const raw = await RawClient.open(ports[index] ?? 0);
    opened.push(raw);
    return new RawRouter(raw);
  };

  it('names the first mongos in uri and both in multiMongosUri', () => {
    expect(ports).toHaveLength(2);
    expect(ports[0]).toBe(server.port);
    expect(ports[1]).not.toBe(server.port);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/`);
    expect(server.replicaSetName).toBeUndefined();
  });

  it('answers hello on each router as a mongos, with its own topologyVersion', async () => {
    const hellos = await Promise.all([0, 1].map(async (i) => (await router(i)).run({ hello: 1 }, 'admin')));
    for (const hello of hellos) {
      expect(hello).toMatchObject({ ok: 1, isWritablePrimary: true, msg: 'isdbgrid', maxWireVersion: 25 });
      expect(hello.setName).toBeUndefined();
      expect(hello.hosts).toBeUndefined();
      expect(hello.topologyVersion).toBeDefined();
    }
    const processIds = hellos.map((hello) => String((hello.topologyVersion as Document).processId));
    expect(processIds[0]).not.toBe(processIds[1]);
    const legacy = await (await router(1)).run({ isMaster: 1 }, 'admin');
    expect(legacy).toMatchObject({ ismaster: true, msg: 'isdbgrid' });
    expect(legacy.$clusterTime).toBeDefined();
  });

  it('shares data between the routers', async () => {
    const [a, b] = [await router(0), await router(1)];
    expect(await a.run({ insert: 'shared', documents: [{ _id: 1 }] })).toMatchObject({ ok: 1, n: 1 });
    expect(await b.run({ find: 'shared', filter: {} })).toMatchObject({ ok: 1, cursor: { firstBatch: [{ _id: 1 }] } });
  });

  it('keeps failpoints per router', async () => {
    const [a, b] = [await router(0), await router(1)];
    const failPoint = { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['count'], errorCode: 11601 } };
    expect(await a.run(failPoint, 'admin')).toMatchObject({ ok: 1 });
    expect(await b.run({ count: 'shared' })).toMatchObject({ ok: 1 });
    expect(await a.run({ count: 'shared' })).toMatchObject({ ok: 0, code: 11601 });
    expect(await a.run({ count: 'shared' })).toMatchObject({ ok: 1 });
  });

  it('keeps cursors on the router that opened them', async () => {
    const [a, b] = [await router(0), await router(1)];
    await a.run({ insert: 'cursors', documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] });
    const opened = await a.run({ find: 'cursors', batchSize: 1 });
    const id = (opened.cursor as Document).id as Long;
    expect(id.isZero()).toBe(false);
    expect(await b.run({ getMore: id, collection: 'cursors' })).toMatchObject({ ok: 0, codeName: 'CursorNotFound' });
    expect(await a.run({ getMore: id, collection: 'cursors' })).toMatchObject({ ok: 1, cursor: { nextBatch: [{ _id: 2 }, { _id: 3 }] } });
  });

  it('returns a recoveryToken on every successful statement of a transaction, and only there', async () => {
    const a = await router(0);
    const lsid = { id: new UUID() };
    const first = await a.statement(lsid, 1, { insert: 'tokens', documents: [{ _id: 1 }] }, true);
    expect(first).toMatchObject({ ok: 1, recoveryToken: { recoveryShardId: 'shard0' } });
    expect(await a.statement(lsid, 1, { find: 'tokens' })).toMatchObject({ ok: 1, recoveryToken: {} });
    const failed = await a.statement(lsid, 7, { find: 'tokens' });
    expect(failed).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction' });
    expect(failed).not.toHaveProperty('recoveryToken');
    expect(await a.run({ find: 'tokens' })).not.toHaveProperty('recoveryToken');
  });

  it('continues a transaction only on the router that started it (what pinning is for)', async () => {
    const [a, b] = [await router(0), await router(1)];
    const lsid = { id: new UUID() };
    await a.statement(lsid, 1, { insert: 'pinned', documents: [{ _id: 1 }] }, true);
    expect(await b.statement(lsid, 1, { insert: 'pinned', documents: [{ _id: 2 }] })).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction', errorLabels: ['TransientTransactionError'] });
    expect(await a.statement(lsid, 1, { insert: 'pinned', documents: [{ _id: 3 }] })).toMatchObject({ ok: 1, n: 1 });
    expect(await a.end('commitTransaction', lsid, 1)).toMatchObject({ ok: 1 });
    expect(await b.run({ find: 'pinned' })).toMatchObject({ cursor: { firstBatch: [{ _id: 1 }, { _id: 3 }] } });
  });

  it('recovers a committed transaction on the other router only with the recoveryToken', async () => {
    const [a, b] = [await router(0), await router(1)];
    const lsid = { id: new UUID() };
    const { recoveryToken } = await a.statement(lsid, 1, { insert: 'recover', documents: [{ _id: 1 }] }, true);
    expect(await a.end('commitTransaction', lsid, 1, { recoveryToken })).toMatchObject({ ok: 1 });
    expect(await b.end('commitTransaction', lsid, 1)).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction' });
    expect(await b.end('commitTransaction', lsid, 1, { recoveryToken })).toMatchObject({ ok: 1 });
    expect(await b.run({ find: 'recover' })).toMatchObject({ cursor: { firstBatch: [{ _id: 1 }] } });
  });

  it('answers a commit the other router never started with NoSuchTransaction, aborting the transaction', async () => {
    const [a, b] = [await router(0), await router(1)];
    const lsid = { id: new UUID() };
    const { recoveryToken } = await a.statement(lsid, 1, { insert: 'unstarted', documents: [{ _id: 1 }] }, true);
    const reply = await b.end('commitTransaction', lsid, 1, { recoveryToken });
    expect(reply).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction', errorLabels: ['TransientTransactionError'] });
    expect(await a.end('commitTransaction', lsid, 1, { recoveryToken })).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction' });
    expect(await a.run({ find: 'unstarted' })).toMatchObject({ cursor: { firstBatch: [] } });
  });

  it('lets the router that ran the transaction abort it; another answers NoSuchTransaction', async () => {
    const [a, b] = [await router(0), await router(1)];
    const lsid = { id: new UUID() };
    const { recoveryToken } = await a.statement(lsid, 1, { insert: 'aborts', documents: [{ _id: 1 }] }, true);
    expect(await b.end('abortTransaction', lsid, 1, { recoveryToken })).toMatchObject({ ok: 0, codeName: 'NoSuchTransaction' });
    const other = { id: new UUID() };
    await a.statement(other, 1, { insert: 'aborts', documents: [{ _id: 2 }] }, true);
    expect(await a.end('abortTransaction', other, 1)).toMatchObject({ ok: 1 });
  });

  it('is a sharded topology for a driver given both mongoses, with transactions across them', async () => {
    const client = new MongoClient(server.multiMongosUri ?? '', { serverSelectionTimeoutMS: 2000 });
    let described: TopologyDescription | undefined;
    client.on('topologyDescriptionChanged', (event) => {
      described = event.newDescription;
    });
    try {
      const coll = client.db('shard').collection<{ _id: number }>('driver');
      const session = client.startSession();
      try {
        await session.withTransaction(async () => {
          await coll.insertOne({ _id: 1 }, { session });
          await coll.insertOne({ _id: 2 }, { session });
        });
      } finally {
        await session.endSession();
      }
      expect(await coll.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
      expect(described?.type).toBe('Sharded');
      expect(described?.servers.size).toBe(2);
    } finally {
      await client.close(true);
    }
  });

  it('runs shardCollection on the admin database, recording the expanded change event', async () => {
    const a = await router(0);
    const opened = await a.run({ aggregate: 1, pipeline: [{ $changeStream: { showExpandedEvents: true } }], cursor: {} }, 'sharding');
    const id = (opened.cursor as Document).id as Long;
    expect(await a.run({ shardCollection: 'sharding.coll', key: { _id: 1 } }, 'admin')).toMatchObject({ ok: 1, collectionsharded: 'sharding.coll' });
    const next = await a.run({ getMore: id, collection: '$cmd.aggregate' }, 'sharding');
    const events = ((next.cursor as Document).nextBatch as Document[]).map((event) => event.operationType);
    expect(events).toEqual(['create', 'shardCollection']);
    expect(await a.run({ shardCollection: 'sharding.coll', key: { _id: 1 } })).toMatchObject({ ok: 0, codeName: 'Unauthorized' });
    expect(await a.run({ shardCollection: 'nodot', key: { _id: 1 } }, 'admin')).toMatchObject({ ok: 0, codeName: 'InvalidNamespace' });
  });

  it('finds the metadata consistent (checkMetadataConsistency: an empty, exhausted cursor)', async () => {
    const reply = await (await router(1)).run({ checkMetadataConsistency: 1 }, 'meta');
    expect(reply).toMatchObject({ ok: 1, cursor: { ns: 'meta.$cmd.aggregate', firstBatch: [] } });
    expect(Number((reply.cursor as Document).id)).toBe(0);
  });

  it('refuses sharded with loadBalanced or with a non-boolean', async () => {
    await expect(MemoryServer.start({ sharded: true, loadBalanced: true })).rejects.toThrow(MongoInvalidArgumentError);
    await expect(MemoryServer.start({ sharded: 'yes' as unknown as boolean })).rejects.toThrow(/sharded must be a boolean/u);
  });
});

describe('mongrove-server --sharded', () => {
  it('parses the flag and refuses it with --loadBalanced or --members', () => {
    expect(parseCliArgs(['--sharded'])).toEqual({ kind: 'serve', host: '127.0.0.1', port: 0, sharded: true });
    expect(parseCliArgs(['--sharded', '--loadBalanced'])).toMatchObject({ kind: 'error', message: expect.stringContaining('--sharded') as unknown });
    expect(parseCliArgs(['--replSet', 'rs', '--members', '3', '--sharded'])).toMatchObject({ kind: 'error' });
    expect(USAGE).toContain('--sharded');
  });
});
