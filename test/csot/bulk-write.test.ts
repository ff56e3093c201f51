// CSOT prose test 11 (Multi-batch bulkWrites), against an embedded standalone: the
// client bulkWrite's batches share one deadline, so two batches each blocked for just
// over half of timeoutMS fail it with a timeout error.
import { describe, expect, it } from 'vitest';
import { MongoClientBulkWriteError, MongoOperationTimeoutError } from '../../src/errors.js';
import type { ClientBulkWriteModel } from '../../src/crud/bulk/client-bulk-models.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer();

describe('CSOT prose 11. Multi-batch bulkWrites', () => {
  it('one timeoutMS covers every bulkWrite batch', { timeout: 20_000 }, async () => {
    await fixture.internal.db('db').collection('coll').drop().catch(() => undefined);
    await fixture.failCommand({ times: 2 }, { failCommands: ['bulkWrite'], blockConnection: true, blockTimeMS: 1010 });
    const hello = await fixture.internal.db('admin').command({ hello: 1 });
    const maxBsonObjectSize = Number(hello.maxBsonObjectSize);
    const maxMessageSizeBytes = Number(hello.maxMessageSizeBytes);
    await fixture.withClient({ timeoutMS: 2000 }, async (client, sent) => {
      const a = 'b'.repeat(maxBsonObjectSize - 500);
      const count = Math.floor(maxMessageSizeBytes / maxBsonObjectSize) + 1;
      const models: ClientBulkWriteModel[] = Array.from({ length: count }, () => ({ insertOne: { namespace: 'db.coll', document: { a } } }));
      const error: unknown = await client.bulkWrite(models).catch((e: unknown) => e);
      // The first batch's result is kept: the timeout is the cause of the bulk write error (as prose 1).
      expect(error).toBeInstanceOf(MongoClientBulkWriteError);
      expect((error as Error).cause).toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.started.filter((name) => name === 'bulkWrite')).toHaveLength(2);
    });
  });
});
