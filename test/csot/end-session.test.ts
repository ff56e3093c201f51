// CSOT prose test 9 (endSession): ending a session with an open transaction sends
// abortTransaction under the session's timeout (the client's timeoutMS, the session's
// defaultTimeoutMS, or endSession's own timeoutMS), and a blocked abort makes endSession
// fail with a timeout error. Against the embedded replica set.
import { describe, expect, it } from 'vitest';
import { MongoInvalidArgumentError, MongoOperationTimeoutError } from '../../src/errors.js';
import type { ClientOptions } from '../../src/index.js';
import type { EndSessionOptions, SessionOptions } from '../../src/sessions/index.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer({ replSet: 'rs0' });

const TIMEOUT_MS = 150;

interface Variant {
  readonly name: string;
  readonly client: ClientOptions;
  readonly session: SessionOptions;
  readonly endSession: EndSessionOptions | undefined;
}

const variants: Variant[] = [
  { name: 'a. timeoutMS of the MongoClient', client: { timeoutMS: TIMEOUT_MS }, session: {}, endSession: undefined },
  { name: 'b. defaultTimeoutMS of the ClientSession', client: {}, session: { defaultTimeoutMS: TIMEOUT_MS }, endSession: undefined },
  { name: 'c. timeoutMS of endSession', client: {}, session: {}, endSession: { timeoutMS: TIMEOUT_MS } },
];

describe('CSOT prose 9. endSession', () => {
  for (const variant of variants) {
    it(`${variant.name}: endSession fails with a timeout error when abortTransaction blocks`, async () => {
      await fixture.internal.db('db').collection('coll').drop().catch(() => undefined);
      await fixture.failCommand({ times: 1 }, { failCommands: ['abortTransaction'], blockConnection: true, blockTimeMS: 200 });
      await fixture.withClient(variant.client, async (client, sent) => {
        const session = client.startSession(variant.session);
        session.startTransaction();
        await client.db('db').collection('coll').insertOne({ x: 1 }, { session });
        await expect(session.endSession(variant.endSession)).rejects.toBeInstanceOf(MongoOperationTimeoutError);
        expect(sent.started.filter((name) => name === 'abortTransaction')).toHaveLength(1);
        expect(session.hasEnded).toBe(true);
        // Ending again does nothing (the session ended despite the timeout).
        await expect(session.endSession()).resolves.toBeUndefined();
      });
    });
  }

  it('without a timeout the blocked abort is waited for and endSession succeeds', async () => {
    await fixture.failCommand({ times: 1 }, { failCommands: ['abortTransaction'], blockConnection: true, blockTimeMS: 200 });
    await fixture.withClient({}, async (client, sent) => {
      const session = client.startSession();
      session.startTransaction();
      await client.db('db').collection('coll').insertOne({ x: 2 }, { session });
      await expect(session.endSession()).resolves.toBeUndefined();
      expect(sent.started.filter((name) => name === 'abortTransaction')).toHaveLength(1);
      expect(sent.failed).toEqual([]);
    });
  });

  it("endSession's timeoutMS overrides the session's default", async () => {
    await fixture.failCommand({ times: 1 }, { failCommands: ['abortTransaction'], blockConnection: true, blockTimeMS: 200 });
    await fixture.withClient({ timeoutMS: 50 }, async (client) => {
      const session = client.startSession({ defaultTimeoutMS: 50 });
      session.startTransaction();
      await client.db('db').collection('coll').insertOne({ x: 3 }, { session });
      await expect(session.endSession({ timeoutMS: 5000 })).resolves.toBeUndefined();
    });
  });

  it('other abortTransaction errors are still ignored', async () => {
    await fixture.failCommand({ times: 2 }, { failCommands: ['abortTransaction'], errorCode: 8 });
    await fixture.withClient({ timeoutMS: TIMEOUT_MS }, async (client) => {
      const session = client.startSession();
      session.startTransaction();
      await client.db('db').collection('coll').insertOne({ x: 4 }, { session });
      await expect(session.endSession()).resolves.toBeUndefined();
    });
  });

  it('rejects an invalid timeoutMS and leaves the session open', async () => {
    await fixture.withClient({}, async (client) => {
      const session = client.startSession();
      await expect(session.endSession({ timeoutMS: -1 })).rejects.toBeInstanceOf(MongoInvalidArgumentError);
      expect(session.hasEnded).toBe(false);
      await session.endSession();
      expect(session.hasEnded).toBe(true);
    });
  });
});
