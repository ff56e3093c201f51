// GridFSBucket round trips through Client → MemoryServer.
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Binary, Double, ObjectId, type Document } from '../../src/bson.js';
import { Client } from '../../src/crud/client.js';
import { MongoGridFSChunkError, MongoGridFSFileNotFoundError, MongoGridFSStreamError, MongoInvalidArgumentError, MongoServerError } from '../../src/errors.js';
import { GridFSBucket } from '../../src/gridfs/index.js';
import type { CommandStartedEvent } from '../../src/monitoring/command-events.js';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
let client: Client;
let dbCounter = 0;

beforeAll(async () => {
  server = await MemoryServer.start();
  client = new Client(server.uri);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

/** A fresh database per test, so index creation and revisions do not leak between tests. */
function freshDb() {
  return client.db(`gridfs_unit_${dbCounter++}`);
}

function bytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function upload(bucket: GridFSBucket, filename: string, data: Buffer, options?: { chunkSizeBytes?: number; metadata?: Document }): Promise<ObjectId> {
  return bucket.uploadFromStream(filename, Readable.from([data]), options);
}

function commandsStarted(c: Client) {
  const names: string[] = [];
  const listener = (e: CommandStartedEvent) => names.push(e.commandName);
  c.on('commandStarted', listener);
  return { names, stop: () => c.off('commandStarted', listener) };
}

describe('GridFSBucket upload and download', () => {
  it('round-trips a multi-chunk file written in uneven pieces', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 1000 });
    const data = bytes(10_500);
    const stream = bucket.openUploadStream('big.bin', { metadata: { owner: 'ann' }, contentType: 'application/octet-stream' });
    await new Promise<void>((resolve, reject) => {
      stream.once('finish', () => resolve());
      stream.once('error', reject);
      for (let offset = 0; offset < data.length; offset += 777) stream.write(data.subarray(offset, offset + 777));
      stream.end();
    });
    expect(stream.id).toBeInstanceOf(ObjectId);
    const chunks = await bucket.chunks.find({ files_id: stream.id }, { sort: { n: 1 } }).toArray();
    expect(chunks.map((c) => c.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(chunks.map((c) => (c.data as Binary).length())).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 500]);
    const [file] = await bucket.find({ _id: stream.id }).toArray();
    expect(file).toMatchObject({ length: 10_500, chunkSize: 1000, filename: 'big.bin', metadata: { owner: 'ann' }, contentType: 'application/octet-stream' });
    expect(file.uploadDate).toBeInstanceOf(Date);
    expect(file.md5).toBeUndefined();
    expect((await readAll(bucket.openDownloadStream(stream.id))).equals(data)).toBe(true);
  });

  it('stores an empty file with no chunks and downloads it without querying chunks', async () => {
    const db = freshDb();
    const bucket = new GridFSBucket(db);
    const id = await upload(bucket, 'empty', Buffer.alloc(0));
    expect(await bucket.chunks.countDocuments({})).toBe(0);
    const seen = commandsStarted(client);
    try {
      expect((await readAll(bucket.openDownloadStream(id))).length).toBe(0);
    } finally {
      seen.stop();
    }
    expect(seen.names).toEqual(['find']);
  });

  it('uploads with a caller-chosen id and downloads to a stream that is left open', async () => {
    const bucket = new GridFSBucket(freshDb(), { bucketName: 'images', chunkSizeBytes: 7 });
    const data = bytes(50);
    await bucket.uploadFromStreamWithId('custom-id', 'pic', Readable.from([data]));
    expect(bucket.files.collectionName).toBe('images.files');
    const received: Buffer[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk);
        callback();
      },
    });
    await bucket.downloadToStream('custom-id', destination);
    expect(destination.writableEnded).toBe(false);
    expect(Buffer.concat(received).equals(data)).toBe(true);
  });

  it('reads byte ranges, including ranges inside one chunk and across chunk edges', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 10 });
    const data = bytes(95);
    const id = await upload(bucket, 'ranged', data);
    const cases: [number, number][] = [[0, 95], [0, 10], [3, 7], [9, 11], [10, 20], [15, 95], [94, 95], [40, 40], [95, 95]];
    for (const [start, end] of cases) {
      const got = await readAll(bucket.openDownloadStream(id, { start, end }));
      expect(got.equals(data.subarray(start, end)), `[${start}, ${end})`).toBe(true);
    }
    expect((await readAll(bucket.openDownloadStream(id).start(90))).equals(data.subarray(90))).toBe(true);
  });

  it('rejects ranges outside the file or reversed', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 10 });
    const id = await upload(bucket, 'r', bytes(20));
    await expect(readAll(bucket.openDownloadStream(id, { start: 21 }))).rejects.toThrow(MongoGridFSStreamError);
    await expect(readAll(bucket.openDownloadStream(id, { end: 21 }))).rejects.toThrow(/past the end/);
    await expect(readAll(bucket.openDownloadStream(id, { start: 5, end: 4 }))).rejects.toThrow(/after end/);
    expect(() => bucket.openDownloadStream(id, { start: -1 })).toThrow(MongoInvalidArgumentError);
  });

  it('finds revisions by name: 0, 1, … from the oldest and -1, -2, … from the newest', async () => {
    const bucket = new GridFSBucket(freshDb());
    for (let r = 0; r < 3; r++) {
      await bucket.uploadFromStream('doc.txt', Readable.from([Buffer.from(`rev${r}`)]));
      await new Promise((resolve) => setTimeout(resolve, 5)); // distinct uploadDates
    }
    const read = async (revision?: number) => (await readAll(bucket.openDownloadStreamByName('doc.txt', revision === undefined ? {} : { revision }))).toString();
    expect(await read()).toBe('rev2');
    expect(await read(0)).toBe('rev0');
    expect(await read(1)).toBe('rev1');
    expect(await read(-1)).toBe('rev2');
    expect(await read(-3)).toBe('rev0');
    await expect(read(3)).rejects.toThrow(/has no revision 3/);
    await expect(readAll(bucket.openDownloadStreamByName('nope.txt'))).rejects.toThrow(/no file named 'nope.txt'/);
    await expect(readAll(bucket.openDownloadStreamByName('nope.txt', { revision: 2 }))).rejects.toThrow(MongoGridFSFileNotFoundError);
  });
});

describe('GridFSBucket chunk validation', () => {
  async function damaged(damage: (bucket: GridFSBucket, id: ObjectId) => Promise<unknown>): Promise<unknown> {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 4 });
    const id = await upload(bucket, 'f', bytes(10));
    await damage(bucket, id);
    return readAll(bucket.openDownloadStream(id)).then(() => undefined, (error: unknown) => error);
  }

  it('names the file and chunk when an intermediate chunk is missing', async () => {
    const error = await damaged((b, id) => b.chunks.deleteOne({ files_id: id, n: 1 }));
    expect(error).toBeInstanceOf(MongoGridFSChunkError);
    expect(String((error as Error).message)).toMatch(/chunk 1 of file ObjectId\('[0-9a-f]{24}'\) is missing/);
  });

  it('fails when the final chunk is missing', async () => {
    const error = await damaged((b, id) => b.chunks.deleteOne({ files_id: id, n: 2 }));
    expect(error).toBeInstanceOf(MongoGridFSChunkError);
    expect((error as Error).message).toMatch(/chunk 2 .* ended early/);
  });

  it('fails when a chunk has the wrong size', async () => {
    const error = await damaged((b, id) => b.chunks.updateOne({ files_id: id, n: 0 }, { $set: { data: new Binary(Buffer.from([1, 2, 3])) } }));
    expect((error as Error).message).toMatch(/chunk 0 .* holds 3 bytes, expected 4/);
    const last = await damaged((b, id) => b.chunks.updateOne({ files_id: id, n: 2 }, { $set: { data: new Binary(Buffer.from([1])) } }));
    expect((last as Error).message).toMatch(/chunk 2 .* holds 1 bytes, expected 2/);
  });

  it('fails when a chunk holds no binary data', async () => {
    const error = await damaged((b, id) => b.chunks.updateOne({ files_id: id, n: 0 }, { $set: { data: 'text' } }));
    expect(error).toBeInstanceOf(MongoGridFSChunkError);
  });

  it('reads files whose length and chunkSize are stored as other numeric types', async () => {
    const bucket = new GridFSBucket(freshDb());
    const id = new ObjectId();
    await bucket.files.insertOne({ _id: id, length: new Double(6), chunkSize: new Double(4), uploadDate: new Date() });
    await bucket.chunks.insertMany([
      { files_id: id, n: 0, data: new Binary(Buffer.from('abcd')) },
      { files_id: id, n: 1, data: new Binary(Buffer.from('ef')) },
    ]);
    expect((await readAll(bucket.openDownloadStream(id))).toString()).toBe('abcdef');
  });
});

describe('GridFSBucket abort', () => {
  // Chunks are sent in batches of about 4 MiB, so that much must be written before any reach the server.
  const PAST_ONE_BATCH = 4 * 1024 * 1024 + 12;

  it('deletes the chunks already written and refuses further writes', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 256 * 1024 });
    const stream = bucket.openUploadStream('aborted');
    await new Promise<void>((resolve, reject) => stream.write(bytes(PAST_ONE_BATCH), (error) => (error ? reject(error) : resolve())));
    expect(await bucket.chunks.countDocuments({ files_id: stream.id })).toBeGreaterThan(0);
    await stream.abort();
    expect(await bucket.chunks.countDocuments({ files_id: stream.id })).toBe(0);
    expect(await bucket.files.countDocuments({})).toBe(0);
    await expect(stream.abort()).rejects.toThrow(/already aborted/);
    await expect(new Promise<void>((resolve, reject) => stream.write(Buffer.from('late'), (error) => (error ? reject(error) : resolve())))).rejects.toThrow();
  });

  it('aborts uploadFromStream when the source fails, re-raising the source error', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 256 * 1024 });
    const failure = new Error('disk on fire');
    async function* source() {
      yield bytes(PAST_ONE_BATCH);
      throw failure;
    }
    await expect(bucket.uploadFromStream('broken', source())).rejects.toBe(failure);
    expect(await bucket.chunks.countDocuments({})).toBe(0);
    expect(await bucket.files.countDocuments({})).toBe(0);
  });

  it('refuses to abort a finished upload', async () => {
    const bucket = new GridFSBucket(freshDb());
    const stream = bucket.openUploadStream('done');
    await new Promise<void>((resolve) => stream.end(Buffer.from('x'), () => resolve()));
    await expect(stream.abort()).rejects.toThrow(/already finished/);
  });
});

describe('GridFSBucket indexes', () => {
  it('creates both indexes once, before the first write, only while the files collection is empty', async () => {
    const db = freshDb();
    const bucket = new GridFSBucket(db);
    const seen = commandsStarted(client);
    try {
      await upload(bucket, 'a', bytes(10));
      await upload(bucket, 'b', bytes(10));
      await new GridFSBucket(db).uploadFromStream('c', Readable.from([bytes(3)]));
    } finally {
      seen.stop();
    }
    expect(seen.names.filter((n) => n === 'createIndexes')).toHaveLength(2);
    expect(seen.names.filter((n) => n === 'listIndexes')).toHaveLength(2);
    const filesIndexes = await bucket.files.listIndexes().toArray();
    expect(filesIndexes.map((i) => i.key)).toContainEqual({ filename: 1, uploadDate: 1 });
    const chunksIndex = (await bucket.chunks.listIndexes().toArray()).find((i) => i.name !== '_id_');
    expect(chunksIndex).toMatchObject({ key: { files_id: 1, n: 1 }, unique: true });
    await expect(bucket.chunks.insertOne({ files_id: 'dup', n: 0 })).resolves.toBeDefined();
    await expect(bucket.chunks.insertOne({ files_id: 'dup', n: 0 })).rejects.toThrow(MongoServerError);
  });

  it('treats an existing index with double directions as the same index', async () => {
    const db = freshDb();
    const bucket = new GridFSBucket(db);
    await bucket.files.createIndex({ filename: new Double(1), uploadDate: new Double(1) });
    await bucket.chunks.createIndex({ files_id: new Double(1), n: new Double(1) }, { unique: true });
    const seen = commandsStarted(client);
    try {
      await upload(bucket, 'a', bytes(5));
    } finally {
      seen.stop();
    }
    expect(seen.names).not.toContain('createIndexes');
  });
});

describe('GridFSBucket files operations', () => {
  it('deletes a file and its chunks; a missing file is FileNotFound after its orphaned chunks are removed', async () => {
    const bucket = new GridFSBucket(freshDb(), { chunkSizeBytes: 4 });
    const id = await upload(bucket, 'gone', bytes(9));
    await bucket.delete(id);
    expect(await bucket.files.countDocuments({})).toBe(0);
    expect(await bucket.chunks.countDocuments({})).toBe(0);
    const orphan = new ObjectId();
    await bucket.chunks.insertOne({ files_id: orphan, n: 0, data: new Binary(Buffer.from('ab')) });
    await expect(bucket.delete(orphan)).rejects.toThrow(MongoGridFSFileNotFoundError);
    expect(await bucket.chunks.countDocuments({})).toBe(0);
  });

  it('renames by id and by name, deletes by name, and raises FileNotFound when nothing matches', async () => {
    const bucket = new GridFSBucket(freshDb());
    const first = await upload(bucket, 'old', bytes(3));
    await upload(bucket, 'old', bytes(3));
    await upload(bucket, 'keep', bytes(3));
    await bucket.rename(first, 'renamed');
    expect((await bucket.find({ _id: first }).toArray())[0].filename).toBe('renamed');
    await bucket.renameByName('renamed', 'old');
    expect(await bucket.files.countDocuments({ filename: 'old' })).toBe(2);
    await bucket.deleteByName('old');
    expect((await bucket.find({}).toArray()).map((f) => f.filename)).toEqual(['keep']);
    expect(await bucket.chunks.countDocuments({})).toBe(1);
    await expect(bucket.rename(new ObjectId(), 'x')).rejects.toThrow(MongoGridFSFileNotFoundError);
    await expect(bucket.renameByName('missing', 'x')).rejects.toThrow(/no file named 'missing'/);
    await expect(bucket.deleteByName('missing')).rejects.toThrow(MongoGridFSFileNotFoundError);
  });

  it('find passes sort, skip and limit to the files collection', async () => {
    const bucket = new GridFSBucket(freshDb());
    for (const name of ['c', 'a', 'b']) await upload(bucket, name, bytes(1));
    const names = (await bucket.find({}, { sort: { filename: 1 }, skip: 1, limit: 1 }).toArray()).map((f) => f.filename);
    expect(names).toEqual(['b']);
  });

  it('drop removes both collections and the next write recreates the indexes', async () => {
    const db = freshDb();
    const bucket = new GridFSBucket(db);
    await upload(bucket, 'x', bytes(2));
    await bucket.drop();
    expect(await db.listCollectionNames()).toEqual([]);
    await upload(bucket, 'y', bytes(2));
    expect((await bucket.chunks.listIndexes().toArray()).length).toBe(2);
  });

  it('rejects bad options by name', () => {
    const db = freshDb();
    expect(() => new GridFSBucket(db, { chunkSizeBytes: 0 })).toThrow(/chunkSizeBytes/);
    expect(() => new GridFSBucket(db, { bucketName: '' })).toThrow(/bucketName/);
    const bucket = new GridFSBucket(db);
    expect(() => bucket.openUploadStream('f', { chunkSizeBytes: 1.5 })).toThrow(MongoInvalidArgumentError);
    expect(() => bucket.openDownloadStreamByName('f', { revision: 0.5 })).toThrow(/revision/);
  });
});

describe('GridFSBucket with an explicit session', () => {
  it('sends every command of upload, download, find, rename, delete and drop with that session', async () => {
    const bucket = new GridFSBucket(freshDb());
    await bucket.ensureIndexes();
    const session = client.startSession();
    const lsids: unknown[] = [];
    const onStarted = (e: CommandStartedEvent) => {
      if (e.commandName !== 'endSessions') lsids.push(e.command.lsid);
    };
    client.on('commandStarted', onStarted);
    try {
      const id = await bucket.uploadFromStream('s.bin', Readable.from([bytes(300_000)]), { session });
      expect((await readAll(bucket.openDownloadStream(id, { session }))).length).toBe(300_000);
      expect(await bucket.find({ _id: id }, { session }).toArray()).toHaveLength(1);
      await bucket.rename(id, 't.bin', { session });
      await bucket.renameByName('t.bin', 'u.bin', { session });
      expect((await readAll(bucket.openDownloadStreamByName('u.bin', { session }))).length).toBe(300_000);
      await bucket.delete(id, { session });
      await bucket.drop({ session });
    } finally {
      client.off('commandStarted', onStarted);
      await session.endSession();
    }
    expect(lsids.length).toBeGreaterThan(8);
    for (const lsid of lsids) expect(lsid).toEqual(session.id);
  });
});
