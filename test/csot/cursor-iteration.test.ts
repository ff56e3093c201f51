// CSOT for cursors in ITERATION mode, and explain, against the embedded replica set:
// each next() (the first one too, after its opening command) spends one deadline on all its
// getMores; each call (and each batch of toArray) gets timeoutMS afresh; explain carries maxTimeMS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoOperationTimeoutError } from '../../src/errors.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer({ replSet: 'rs0' });

beforeAll(async () => {
  const coll = fixture.internal.db('db').collection('docs');
  await coll.drop().catch(() => undefined);
  await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
});

afterAll(async () => {
  await fixture.internal.db('db').collection('docs').drop().catch(() => undefined);
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('timeoutMode iteration', () => {
  it("the first next()'s getMores share one deadline, after the opening command's own", async () => {
    const db = fixture.internal.db('db');
    await db.collection('capped').drop().catch(() => undefined);
    await db.createCollection('capped', { capped: true, size: 4096 });
    await fixture.failCommand('alwaysOn', { failCommands: ['find', 'getMore'], blockConnection: true, blockTimeMS: 30 });
    await fixture.withClient({ timeoutMS: 100 }, async (client, sent) => {
      // Nothing to find: the tailable cursor's first next() opens it, then loops getMores. With a
      // fresh timeoutMS per getMore that loop would never end; one deadline for the call ends it.
      const cursor = client.db('db').collection('capped').find({}, { cursorType: 'tailable' });
      await expect(cursor.next()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.on('find', 'capped')).toBe(1);
      // 30 ms each: within 100 ms more than one but fewer than a handful.
      expect(sent.on('getMore', 'capped')).toBeGreaterThanOrEqual(2);
      expect(sent.on('getMore', 'capped')).toBeLessThanOrEqual(4);
      await cursor.close();
    });
  });

  it('each later next() gets timeoutMS afresh', async () => {
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 120 });
    await fixture.withClient({ timeoutMS: 200 }, async (client) => {
      const cursor = client.db('db').collection('docs').find({}, { batchSize: 1, timeoutMode: 'iteration' });
      const ids: unknown[] = [];
      for (let n = 0; n < 3; n++) {
        ids.push((await cursor.next())?._id);
        await pause(100); // the cursor's age passes timeoutMS; each call's own time does not
      }
      expect(ids).toEqual([1, 2, 3]);
      await cursor.close();
    });
  });

  it('toArray after the cursor opened refreshes timeoutMS for each batch', async () => {
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 120 });
    await fixture.withClient({ timeoutMS: 200 }, async (client) => {
      const cursor = client.db('db').collection('docs').find({}, { batchSize: 1, timeoutMode: 'iteration' });
      expect(await cursor.hasNext()).toBe(true);
      expect((await cursor.toArray()).map((doc) => doc._id)).toEqual([1, 2, 3]);
    });
  });

  it('cursorLifetime (the default) spends one deadline on the whole cursor', async () => {
    await fixture.failCommand('alwaysOn', { failCommands: ['getMore'], blockConnection: true, blockTimeMS: 120 });
    await fixture.withClient({ timeoutMS: 200 }, async (client) => {
      const cursor = client.db('db').collection('docs').find({}, { batchSize: 1 });
      await expect(cursor.toArray()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      await cursor.close();
    });
  });
});

describe('explain under timeoutMS', () => {
  function explainCommands(started: Document[]): Document[] {
    return started.filter((command) => 'explain' in command);
  }

  it("sends maxTimeMS from the client's timeoutMS, and none without it", async () => {
    for (const timeoutMS of [500, undefined]) {
      await fixture.withClient(timeoutMS === undefined ? {} : { timeoutMS }, async (client) => {
        const commands: Document[] = [];
        client.on('commandStarted', (event) => commands.push(event.command));
        await client.db('db').collection('docs').find({ _id: 1 }).explain();
        const [explain] = explainCommands(commands);
        if (timeoutMS === undefined) {
          expect(explain?.maxTimeMS).toBeUndefined();
        } else {
          expect(explain?.maxTimeMS).toBeGreaterThan(0);
          expect(explain?.maxTimeMS).toBeLessThanOrEqual(timeoutMS);
        }
      });
    }
  });

  it('honours an explain-level timeoutMS', async () => {
    await fixture.failCommand({ times: 1 }, { failCommands: ['explain'], blockConnection: true, blockTimeMS: 200 });
    await fixture.withClient({ timeoutMS: 5000 }, async (client) => {
      const commands: Document[] = [];
      client.on('commandStarted', (event) => commands.push(event.command));
      const cursor = client.db('db').collection('docs').find({});
      await expect(cursor.explain('queryPlanner', { timeoutMS: 100 })).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(explainCommands(commands)[0]?.maxTimeMS).toBeLessThanOrEqual(100);
    });
  });

  it('rejects an invalid timeoutMS before sending anything', async () => {
    await fixture.withClient({}, async (client, sent) => {
      await expect(client.db('db').collection('docs').find({}).explain('queryPlanner', { timeoutMS: -1 })).rejects.toThrow(/timeoutMS/);
      expect(sent.started).toEqual([]);
    });
  });
});
