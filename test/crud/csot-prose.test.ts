// CSOT prose tests (client-side-operations-timeout/tests/README.md) against the embedded
// replica set (server selection against a closed port). Assertions are on outcomes
// and commands sent, never on how fast anything ran.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoBulkWriteError, MongoOperationTimeoutError, MongoServerSelectionError } from '../../src/errors.js';
import type { CommandFailedEvent, CommandStartedEvent } from '../../src/monitoring/command-events.js';
import { useMongroveServer } from '../support/mongrove-server-fixture.js';

const fixture = useMongroveServer({ replSet: 'rs0' });

async function failPoint(data: Document, times: number): Promise<void> {
  await fixture.client.db('admin').command({ configureFailPoint: 'failCommand', mode: { times }, data });
}

async function clearFailPoint(): Promise<void> {
  await fixture.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
}

function record(client: Client): { started: CommandStartedEvent[]; failed: CommandFailedEvent[] } {
  const started: CommandStartedEvent[] = [];
  const failed: CommandFailedEvent[] = [];
  client.on('commandStarted', (e) => started.push(e));
  client.on('commandFailed', (e) => failed.push(e));
  return { started, failed };
}

describe('CSOT prose tests', () => {
  it('1. Multi-batch inserts: one deadline for every batch', async () => {
    await fixture.client.db('db').collection('coll').drop().catch(() => undefined);
    await failPoint({ failCommands: ['insert'], blockConnection: true, blockTimeMS: 1010 }, 2);
    const client = new Client(fixture.server.uri, { timeoutMS: 2000 });
    try {
      const { started } = record(client);
      const big = 'x'.repeat(1024 * 1024);
      const docs = Array.from({ length: 50 }, (_, i) => ({ _id: i, big }));
      // A bulk write reports the error that stopped it as the cause of its MongoBulkWriteError.
      const error: unknown = await client.db('db').collection('coll').insertMany(docs).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoBulkWriteError);
      expect((error as Error).cause).toBeInstanceOf(MongoOperationTimeoutError);
      expect(started.filter((e) => e.commandName === 'insert')).toHaveLength(2);
    } finally {
      await client.close();
      await clearFailPoint();
    }
  });

  describe('8. Server Selection', () => {
    const cases: Array<[string, string]> = [
      ['serverSelectionTimeoutMS honored if timeoutMS is not set', 'serverSelectionTimeoutMS=10'],
      ["timeoutMS honored for server selection if it's lower than serverSelectionTimeoutMS", 'timeoutMS=10&serverSelectionTimeoutMS=20'],
      ["serverSelectionTimeoutMS honored for server selection if it's lower than timeoutMS", 'timeoutMS=20&serverSelectionTimeoutMS=10'],
      ['serverSelectionTimeoutMS honored for server selection if timeoutMS=0', 'timeoutMS=0&serverSelectionTimeoutMS=10'],
    ];
    for (const [name, query] of cases) {
      it(name, async () => {
        // A closed port on localhost: selection can only time out.
        const client = new Client(`mongodb://127.0.0.1:1/?${query}`);
        try {
          const error: unknown = await client.db('admin').command({ ping: 1 }).catch((e: unknown) => e);
          expect(error instanceof MongoServerSelectionError || error instanceof MongoOperationTimeoutError).toBe(true);
          if (query.startsWith('timeoutMS=10')) expect(error).toBeInstanceOf(MongoOperationTimeoutError);
        } finally {
          await client.close();
        }
      });
    }
  });

  it('10. Convenient Transactions: timeoutMS is refreshed for abortTransaction if the callback fails', async () => {
    await fixture.client.db('db').collection('coll').drop().catch(() => undefined);
    await fixture.client.db('db').createCollection('coll');
    await failPoint({ failCommands: ['insert', 'abortTransaction'], blockConnection: true, blockTimeMS: 200 }, 2);
    const client = new Client(fixture.server.uri, { timeoutMS: 150 });
    const session = client.startSession();
    try {
      const { started, failed } = record(client);
      const coll = client.db('db').collection('coll');
      await expect(session.withTransaction(async (s) => void (await coll.insertOne({ _id: 1 }, { session: s })))).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(started.map((e) => e.commandName)).toEqual(['insert', 'abortTransaction']);
      expect(failed.map((e) => e.commandName)).toEqual(['insert', 'abortTransaction']);
    } finally {
      await session.endSession();
      await client.close();
      await clearFailPoint();
    }
  });
});
