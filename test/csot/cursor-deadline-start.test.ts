// When a cursor's timeoutMS starts counting (CSOT "Cursors"): cursors are lazy, so the
// deadline starts when the opening command is sent by the first next(), not when find(),
// aggregate() or listCollections() built the cursor. In ITERATION mode each next() gets
// timeoutMS afresh; in CURSOR_LIFETIME mode the opening command and every getMore share one.
// A deadline someone else started (withTransaction's) still covers the cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoOperationTimeoutError } from '../../src/errors.js';
import type { Client } from '../../src/index.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer({ replSet: 'rs0' });

const TIMEOUT_MS = 200;
/** Longer than timeoutMS: a deadline started with the cursor object is over after it. */
const IDLE_MS = 250;

beforeAll(async () => {
  const coll = fixture.internal.db('db').collection('docs');
  await coll.drop().catch(() => undefined);
  await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  await coll.createIndex({ x: 1 });
});

afterAll(async () => {
  await fixture.internal.db('db').collection('docs').drop().catch(() => undefined);
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface NextOnly {
  next(): Promise<Document | null>;
  close(): Promise<void>;
}

type CursorFactory = (client: Client, mode: { timeoutMode?: 'iteration' | 'cursorLifetime' }) => NextOnly;

const cursors: Array<[string, CursorFactory]> = [
  ['Collection.find', (client, mode) => client.db('db').collection('docs').find({}, mode)],
  ['Collection.aggregate', (client, mode) => client.db('db').collection('docs').aggregate([{ $match: {} }], mode)],
  ['Db.aggregate', (client, mode) => client.db('admin').aggregate([{ $documents: [{ a: 1 }] }], mode)],
  ['Db.listCollections', (client, mode) => client.db('db').listCollections({}, mode)],
  ['Collection.listIndexes', (client, mode) => client.db('db').collection('docs').listIndexes(mode)],
  ['Db.runCursorCommand', (client, mode) => client.db('db').runCursorCommand({ find: 'docs' }, mode)],
];

describe('a cursor created, then left idle past timeoutMS before its first next()', () => {
  for (const [name, open] of cursors) {
    for (const timeoutMode of ['iteration', 'cursorLifetime'] as const) {
      it(`${name}, timeoutMode ${timeoutMode}: the first next() still has all of timeoutMS`, async () => {
        await fixture.withClient({ timeoutMS: TIMEOUT_MS }, async (client, sent) => {
          const cursor = open(client, { timeoutMode });
          await pause(IDLE_MS);
          expect(sent.started).toEqual([]);
          expect(await cursor.next()).not.toBeNull();
          await cursor.close();
        });
      });
    }
  }

  it('the default mode (cursorLifetime) counts from the opening command: its getMores then share what is left', async () => {
    await fixture.failCommand('alwaysOn', { failCommands: ['find', 'getMore'], blockConnection: true, blockTimeMS: 80 });
    await fixture.withClient({ timeoutMS: TIMEOUT_MS }, async (client) => {
      const cursor = client.db('db').collection('docs').find({}, { batchSize: 1 });
      await pause(IDLE_MS);
      // find (80) + getMore (80) fit in 200 ms; the next getMore does not.
      expect((await cursor.next())?._id).toBe(1);
      expect((await cursor.next())?._id).toBe(2);
      await expect(cursor.next()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      await cursor.close();
    });
  });

  it("inside withTransaction with a timeout, the transaction's deadline covers the cursor", async () => {
    await fixture.withClient({}, async (client) => {
      const session = client.startSession();
      try {
        const outcome = session.withTransaction(
          async () => {
            const cursor = client.db('db').collection('docs').find({}, { session });
            await pause(IDLE_MS);
            await cursor.next();
          },
          { timeoutMS: TIMEOUT_MS },
        );
        await expect(outcome).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      } finally {
        await session.endSession();
      }
    });
  });
});
