// CSOT prose tests 6 and 7 (GridFS upload and download): the bucket's timeoutMS caps a
// stream's whole life, so a blocked insert, delete or find fails it with a timeout error.
import { describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { MongoBulkWriteError, MongoOperationTimeoutError } from '../../src/errors.js';
import { GridFSBucket, type Db } from '../../src/index.js';
import { useCsotServer } from './support.js';

const fixture = useCsotServer({ replSet: 'rs0' });

async function recreateBucketCollections(db: Db): Promise<void> {
  for (const name of ['fs.files', 'fs.chunks']) {
    await db.collection(name).drop().catch(() => undefined);
    await db.createCollection(name);
  }
}

function finished(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
}

describe('CSOT prose 6. GridFS - Upload', () => {
  it('uploads via openUploadStream can be timed out', async () => {
    await recreateBucketCollections(fixture.internal.db('db'));
    await fixture.failCommand({ times: 1 }, { failCommands: ['insert'], blockConnection: true, blockTimeMS: 200 });
    await fixture.withClient({ timeoutMS: 150 }, async (client, sent) => {
      const bucket = new GridFSBucket(client.db('db'));
      const upload = bucket.openUploadStream('filename');
      const done = finished(upload);
      upload.end(Buffer.from([0x12]));
      // Chunks go in with insertMany, whose MongoBulkWriteError carries the timeout as its cause (as prose 1).
      const error: unknown = await done.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoBulkWriteError);
      expect((error as Error).cause).toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.failed).toContain('insert');
    });
  });

  it('Aborting an upload stream can be timed out', async () => {
    await recreateBucketCollections(fixture.internal.db('db'));
    await fixture.failCommand({ times: 1 }, { failCommands: ['delete'], blockConnection: true, blockTimeMS: 200 });
    await fixture.withClient({ timeoutMS: 150 }, async (client, sent) => {
      const bucket = new GridFSBucket(client.db('db'), { chunkSizeBytes: 2 });
      const upload = openWatchedUpload(bucket);
      await new Promise<void>((resolve, reject) => upload.write(Buffer.from([0x01, 0x02, 0x03, 0x04]), (error) => (error ? reject(error) : resolve())));
      await expect(upload.abort()).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      expect(sent.failed).toContain('delete');
    });
  });
});

function openWatchedUpload(bucket: GridFSBucket): ReturnType<GridFSBucket['openUploadStream']> {
  const upload = bucket.openUploadStream('filename');
  upload.on('error', () => {}); // abort() reports the failure; the stream's own error event is not the test's
  return upload;
}

describe('CSOT prose 7. GridFS - Download', () => {
  it('a read blocked past timeoutMS fails with a timeout error', async () => {
    const db = fixture.internal.db('db');
    await recreateBucketCollections(db);
    const id = new ObjectId('000000000000000000000005');
    await db.collection('fs.files').insertOne({
      _id: id,
      length: 10,
      chunkSize: 4,
      uploadDate: new Date(0),
      md5: '57d83cd477bfb1ccd975ab33d827a92b',
      filename: 'length-10',
      contentType: 'application/octet-stream',
      aliases: [],
      metadata: {},
    });
    await fixture.withClient({ timeoutMS: 150 }, async (client, sent) => {
      const download = new GridFSBucket(client.db('db')).openDownloadStream(id);
      await fixture.failCommand({ times: 1 }, { failCommands: ['find'], blockConnection: true, blockTimeMS: 200 });
      const read = new Promise<void>((resolve, reject) => {
        download.on('error', reject);
        download.on('end', resolve);
        download.resume();
      });
      await expect(read).rejects.toBeInstanceOf(MongoOperationTimeoutError);
      // The prose counts a find on fs.files and one on fs.chunks: its drivers look the file up
      // when the stream opens. mongrove opens lazily, so the first read's files lookup is the
      // blocked find and the chunks are never asked for.
      expect(sent.on('find', 'fs.files')).toBe(1);
      expect(sent.failed).toEqual(['find']);
    });
  });
});
