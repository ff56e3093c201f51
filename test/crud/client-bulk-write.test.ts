// Client.bulkWrite: against MemoryServer end to end, and against the server's own
// bulkWrite/getMore handlers behind a scripted target (small batch limits, paged cursors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deserialize, ObjectId, type Document } from '../../src/bson.js';
import { splitClientBatches, opsSequence } from '../../src/crud/bulk/client-bulk-batches.js';
import { NS_INDEX_OFFSET, toClientOps, type ClientBulkWriteModel } from '../../src/crud/bulk/client-bulk-models.js';
import { runClientBulkWrite } from '../../src/crud/bulk/client-bulk-writer.js';
import type { ClientBulkWriteResult } from '../../src/crud/bulk/client-bulk-result.js';
import { Client } from '../../src/crud/client.js';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { Executor } from '../../src/crud/executor.js';
import { MongoClientBulkWriteError, MongoInvalidArgumentError, MongoServerError } from '../../src/errors.js';
import type { CommandStartedEvent } from '../../src/monitoring/command-events.js';
import { bulkWriteHandler } from '../../src/server/commands/data/bulk-write.js';
import { getMoreCommand } from '../../src/server/cursors/cursor-commands.js';
import { MemoryCursorStore } from '../../src/server/cursors/cursor-store.js';
import { FailPointRegistry } from '../../src/server/failpoints/failpoint-registry.js';
import { MemoryServer } from '../../src/server/index.js';
import { Storage } from '../../src/server/storage/storage.js';
import type { CommandContext } from '../../src/server/types.js';
import { FakeTarget, type Sent } from './support/fake-target.js';

let server: MemoryServer;
let client: Client;

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new Client(server.uri);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

function recordStarted(c: Client): { started: CommandStartedEvent[]; stop: () => void } {
  const started: CommandStartedEvent[] = [];
  const listener = (e: CommandStartedEvent): void => {
    started.push(e);
  };
  c.on('commandStarted', listener);
  return { started, stop: () => c.off('commandStarted', listener) };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function bulkError(promise: Promise<unknown>): Promise<MongoClientBulkWriteError<ClientBulkWriteResult>> {
  const error = await caught(promise);
  if (!(error instanceof MongoClientBulkWriteError)) throw new Error(`expected MongoClientBulkWriteError, got ${String(error)}`);
  return error as MongoClientBulkWriteError<ClientBulkWriteResult>;
}

describe('Client.bulkWrite against MemoryServer', () => {
  it('writes to mixed namespaces in one command and reports verbose results by model index', async () => {
    const a = client.db('cbw1').collection('a');
    const b = client.db('cbw2').collection('b');
    await a.insertMany([{ _id: 1, x: 1 }, { _id: 2, x: 2 }, { _id: 3, x: 3 }]);
    const { started, stop } = recordStarted(client);
    const result = await client.bulkWrite(
      [
        { insertOne: { namespace: 'cbw1.a', document: { _id: 4, x: 4 } } },
        { insertOne: { namespace: 'cbw2.b', document: { _id: 'b1' } } },
        { updateOne: { namespace: 'cbw1.a', filter: { _id: 1 }, update: { $inc: { x: 10 } } } },
        { updateMany: { namespace: 'cbw1.a', filter: { _id: { $gte: 2 } }, update: { $set: { y: true } } } },
        { replaceOne: { namespace: 'cbw2.b', filter: { _id: 'b2' }, replacement: { z: 1 }, upsert: true } },
        { deleteOne: { namespace: 'cbw1.a', filter: { _id: 4 } } },
        { deleteMany: { namespace: 'cbw2.b', filter: { _id: 'none' } } },
      ],
      { verboseResults: true },
    );
    stop();
    expect(result).toMatchObject({ acknowledged: true, hasVerboseResults: true, insertedCount: 2, upsertedCount: 1, matchedCount: 4, modifiedCount: 4, deletedCount: 1 });
    expect(result.insertResults).toEqual(new Map([[0, { insertedId: 4 }], [1, { insertedId: 'b1' }]]));
    expect(result.updateResults).toEqual(
      new Map([
        [2, { matchedCount: 1, modifiedCount: 1 }],
        [3, { matchedCount: 3, modifiedCount: 3 }],
        [4, { matchedCount: 1, modifiedCount: 0, upsertedId: 'b2' }],
      ]),
    );
    expect(result.deleteResults).toEqual(new Map([[5, { deletedCount: 1 }], [6, { deletedCount: 0 }]]));
    expect(await b.find({}).toArray()).toEqual([{ _id: 'b1' }, { _id: 'b2', z: 1 }]);

    const commands = started.filter((e) => e.commandName === 'bulkWrite');
    expect(commands).toHaveLength(1);
    const command = commands[0]?.command ?? {};
    expect(commands[0]?.databaseName).toBe('admin');
    expect(command).toMatchObject({ bulkWrite: 1, errorsOnly: false, ordered: true, nsInfo: [{ ns: 'cbw1.a' }, { ns: 'cbw2.b' }] });
    expect((command.ops as Document[]).map((op) => Object.entries(op)[0])).toEqual([
      ['insert', 0], ['insert', 1], ['update', 0], ['update', 0], ['update', 1], ['delete', 0], ['delete', 1],
    ]);
    expect((command.ops as Document[])[4]).toEqual({ update: 1, filter: { _id: 'b2' }, updateMods: { z: 1 }, upsert: true, multi: false });
  });

  it('summary results carry counts only', async () => {
    const result = await client.bulkWrite([{ insertOne: { namespace: 'cbw3.c', document: { a: 1 } } }]);
    expect(result).toEqual({ acknowledged: true, hasVerboseResults: false, insertedCount: 1, upsertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0 });
  });

  it('generates a missing _id first on the wire and shows it to the caller; a null _id is kept', async () => {
    const doc: Document = { v: 1 };
    const { started, stop } = recordStarted(client);
    const result = await client.bulkWrite(
      [{ insertOne: { namespace: 'cbw4.c', document: doc } }, { insertOne: { namespace: 'cbw4.c', document: { _id: null } } }],
      { verboseResults: true },
    );
    stop();
    expect(doc._id).toBeInstanceOf(ObjectId);
    expect(result.insertResults?.get(0)?.insertedId).toBe(doc._id);
    const sent = ((started[0]?.command.ops as Document[])[0]?.document ?? {}) as Document;
    expect(Object.keys(sent)).toEqual(['_id', 'v']);
    expect(await client.db('cbw4').collection('c').countDocuments({ _id: { $type: 'null' } })).toBe(1);
  });

  it('ordered: stops at the first write error; partialResult holds what succeeded', async () => {
    const error = await bulkError(
      client.bulkWrite(
        [
          { insertOne: { namespace: 'cbw5.c', document: { _id: 1 } } },
          { insertOne: { namespace: 'cbw5.c', document: { _id: 1 } } },
          { insertOne: { namespace: 'cbw5.c', document: { _id: 2 } } },
        ],
        { verboseResults: true },
      ),
    );
    expect([...error.writeErrors.keys()]).toEqual([1]);
    expect(error.writeErrors.get(1)).toMatchObject({ code: 11000 });
    expect(error.writeErrors.get(1)?.message).toContain('E11000');
    expect(error.code).toBe(11000);
    expect(error.partialResult?.insertedCount).toBe(1);
    expect(error.partialResult?.insertResults).toEqual(new Map([[0, { insertedId: 1 }]]));
    expect(await client.db('cbw5').collection('c').countDocuments({})).toBe(1);
  });

  it('ordered failure of the first op leaves partialResult unset', async () => {
    await client.db('cbw6').collection('c').insertOne({ _id: 1 });
    const error = await bulkError(
      client.bulkWrite([{ insertOne: { namespace: 'cbw6.c', document: { _id: 1 } } }, { insertOne: { namespace: 'cbw6.c', document: { _id: 2 } } }]),
    );
    expect(error.partialResult).toBeUndefined();
    expect([...error.writeErrors.keys()]).toEqual([0]);
  });

  it('unordered: carries on past errors and reports each by index', async () => {
    await client.db('cbw7').collection('c').insertMany([{ _id: 1 }, { _id: 2 }]);
    const error = await bulkError(
      client.bulkWrite(
        [
          { deleteOne: { namespace: 'cbw7.c', filter: { _id: 1 } } },
          { deleteOne: { namespace: 'cbw7.c', filter: { $expr: { $eq: ['$_id', '$$undefinedVar'] } } } },
          { insertOne: { namespace: 'cbw7.c', document: { _id: 3 } } },
        ],
        { ordered: false },
      ),
    );
    expect([...error.writeErrors.entries()].map(([i, e]) => [i, e.code])).toEqual([[1, 17276]]);
    expect(error.partialResult).toMatchObject({ insertedCount: 1, deletedCount: 1, hasVerboseResults: false });
  });

  it('a top-level error with nothing done is thrown as is; a write concern error keeps the results', async () => {
    const admin = client.db('admin');
    await admin.command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['bulkWrite'], errorCode: 8 } });
    const topLevel = await caught(client.bulkWrite([{ insertOne: { namespace: 'cbw8.c', document: { x: 1 } } }]));
    expect(topLevel).toBeInstanceOf(MongoServerError);
    expect(topLevel).not.toBeInstanceOf(MongoClientBulkWriteError);
    expect((topLevel as MongoServerError).code).toBe(8);

    await admin.command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['bulkWrite'], writeConcernError: { code: 91, errmsg: 'Replication is being shut down' } },
    });
    const wce = await bulkError(client.bulkWrite([{ insertOne: { namespace: 'cbw8.c', document: { _id: 10 } } }], { verboseResults: true }));
    expect(wce.writeConcernErrors).toHaveLength(1);
    expect(wce.writeConcernErrors[0]).toMatchObject({ code: 91, message: 'Replication is being shut down' });
    expect(wce.writeErrors.size).toBe(0);
    expect(wce.partialResult?.insertResults).toEqual(new Map([[0, { insertedId: 10 }]]));
  });

  it('unacknowledged unordered writes return acknowledged: false', async () => {
    const result = await client.bulkWrite([{ insertOne: { namespace: 'cbw9.c', document: { _id: 1 } } }], { ordered: false, writeConcern: { w: 0 } });
    expect(result.acknowledged).toBe(false);
  });

  it('rejects bad models and options client-side, naming the problem', async () => {
    const bad = async (models: unknown[], options?: Parameters<Client['bulkWrite']>[1]): Promise<string> => {
      const error = await caught(client.bulkWrite(models as ClientBulkWriteModel[], options));
      expect(error).toBeInstanceOf(MongoInvalidArgumentError);
      return (error as Error).message;
    };
    expect(await bad([])).toMatch(/at least one/);
    expect(await bad([{ updateOne: { namespace: 'd.c', filter: {}, update: { x: 1 } } }])).toMatch(/atomic modifiers; 'x'/);
    expect(await bad([{ updateMany: { namespace: 'd.c', filter: {}, update: {} } }])).toMatch(/must not be empty/);
    expect(await bad([{ replaceOne: { namespace: 'd.c', filter: {}, replacement: { $set: { x: 1 } } } }])).toMatch(/must not contain atomic modifiers/);
    expect(await bad([{ insertOne: { namespace: 'nodot', document: {} } }])).toMatch(/database\.collection/);
    expect(await bad([{ upsertOne: { namespace: 'd.c' } }])).toMatch(/unknown type 'upsertOne'/);
    const insert = [{ insertOne: { namespace: 'd.c', document: {} } }];
    expect(await bad(insert, { writeConcern: { w: 0 }, ordered: false, verboseResults: true })).toBe('Cannot request unacknowledged write concern and verbose results');
    expect(await bad(insert, { writeConcern: { w: 0 } })).toBe('Cannot request unacknowledged write concern and ordered writes');
  });
});

describe('client bulkWrite batching', () => {
  const models = (n: number, ns = (i: number) => `db.c${i % 3}`): ClientBulkWriteModel[] =>
    Array.from({ length: n }, (_, i) => ({ insertOne: { namespace: ns(i), document: { _id: i } } }));

  it('splits by maxWriteBatchSize, with each batch naming only its own namespaces', () => {
    const ops = toClientOps(models(7, (i) => (i < 4 ? 'db.a' : 'db.b')));
    const batches = splitClientBatches(ops, { maxWriteBatchSize: 3, maxMessageSizeBytes: 48_000_000 }, 50);
    expect(batches.map((b) => b.ops.map((o) => o.index))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batches.map((b) => b.namespaces)).toEqual([['db.a'], ['db.a', 'db.b'], ['db.b']]);
    const second = opsSequence(batches[1] ?? batches[0]).map((bytes) => deserialize(bytes));
    expect(second.map((d) => d.insert)).toEqual([0, 1, 1]);
  });

  it('splits by maxMessageSizeBytes less the 1000-byte allowance and the command size', () => {
    const ops = toClientOps(models(10, () => 'db.c'));
    const opBytes = ops[0]?.bytes.byteLength ?? 0;
    const nsBytes = 1 + 4 + 3 + 4 + 'db.c'.length + 1 + 4 + 1; // { ns: 'db.c' }
    const commandBytes = 40;
    // Room for the namespace and exactly 4 ops.
    const maxMessageSizeBytes = 1000 + commandBytes + nsBytes + 4 * opBytes;
    const batches = splitClientBatches(ops, { maxWriteBatchSize: 100_000, maxMessageSizeBytes }, commandBytes);
    expect(batches.map((b) => b.ops.length)).toEqual([4, 4, 2]);
    expect(() => splitClientBatches(ops, { maxWriteBatchSize: 10, maxMessageSizeBytes: 1000 + commandBytes + opBytes }, commandBytes)).toThrow(
      /model 0 \(insert\).*does not fit/,
    );
  });

  it('patches the namespace index in place at a fixed offset', () => {
    const [op] = toClientOps([{ deleteMany: { namespace: 'x.y', filter: { a: 1 }, hint: 'a_1' } }]);
    expect(op?.bytes[NS_INDEX_OFFSET - 8]).toBe(0x10);
    expect(deserialize(op?.bytes ?? new Uint8Array())).toEqual({ delete: 0, filter: { a: 1 }, hint: 'a_1', multi: true });
  });

  it('sends one command per batch, reads paged result cursors, and merges results', async () => {
    // The server's own handlers behind a scripted target: first batches of one entry force getMore.
    const storage = new Storage();
    const cursors = new MemoryCursorStore();
    const context: CommandContext = { dbName: 'admin', server: { storage, cursors }, connection: { id: 1, appName: undefined, clientMetadata: undefined, remoteAddress: 'x' } };
    const getMore = getMoreCommand(cursors, new FailPointRegistry());
    const target = new FakeTarget(async (body: Document, sent: Sent[]) => {
      const last = sent[sent.length - 1];
      if ('bulkWrite' in body) {
        const command: Document = { ...body, cursor: { batchSize: 1 } };
        for (const seq of (last?.sequences ?? []) as Array<{ identifier: string; serialized: Uint8Array[] }>) {
          command[seq.identifier] = seq.serialized.map((b) => deserialize(b));
        }
        return bulkWriteHandler.run(command, context);
      }
      if ('getMore' in body) return { ...(await getMore.run(body, context)), ok: 1 };
      return { ok: 1 };
    });
    const events = new TypedEventEmitter<ClientEventMap>();
    const executor = new Executor({ target, events, retryReads: true, retryWrites: true });
    const all = [
      ...models(5),
      { updateMany: { namespace: 'db.c0', filter: {}, update: { $set: { u: 1 } } } },
      { insertOne: { namespace: 'db.c1', document: { _id: 1 } } },
    ] as ClientBulkWriteModel[];
    const error = await bulkError(
      runClientBulkWrite(executor, all, { ordered: false, verboseResults: true }, {}, { limits: { maxWriteBatchSize: 2, maxMessageSizeBytes: 48_000_000 } }),
    );
    const names = target.sent.map((s) => Object.keys(s.body)[0]);
    expect(names.filter((n) => n === 'bulkWrite')).toHaveLength(4);
    expect(names.filter((n) => n === 'getMore').length).toBeGreaterThanOrEqual(3);
    expect([...error.writeErrors.keys()]).toEqual([6]);
    expect(error.writeErrors.get(6)?.code).toBe(11000);
    expect(error.partialResult).toMatchObject({ insertedCount: 5, matchedCount: 2, modifiedCount: 2 });
    expect([...(error.partialResult?.insertResults?.keys() ?? [])]).toEqual([0, 1, 2, 3, 4]);
    expect(error.partialResult?.updateResults?.get(5)).toEqual({ matchedCount: 2, modifiedCount: 2 });
    expect(cursors.size).toBe(0);
  });
});
