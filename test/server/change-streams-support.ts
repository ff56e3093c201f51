// Shared set-up for the change-stream tests: one one-member replica set per test
// file, an official-driver client, and raw aggregate/getMore helpers that show
// the server's replies as they are.
import { afterAll, beforeAll } from 'vitest';
import { MongoClient, type Db, type Document } from 'mongodb';
import { MemoryServer } from '../../src/server/index.js';

export interface ChangeStreamFixture {
  readonly server: MemoryServer;
  readonly client: MongoClient;
}

export function useReplicaSet(): ChangeStreamFixture {
  let server: MemoryServer | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    server = await MemoryServer.start({ replSet: 'rs0' });
    client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close(true);
    await server?.stop();
  });
  return {
    get server() {
      if (server === undefined) throw new Error('server not started (use inside tests)');
      return server;
    },
    get client() {
      if (client === undefined) throw new Error('client not connected (use inside tests)');
      return client;
    },
  };
}

/** The raw reply's cursor document of `aggregate` with `$changeStream: spec` first. */
export async function openStream(db: Db, target: string | 1, spec: Document = {}, options: { stages?: Document[]; batchSize?: number } = {}): Promise<Document> {
  const reply = await db.command(
    { aggregate: target, pipeline: [{ $changeStream: spec }, ...(options.stages ?? [])], cursor: options.batchSize === undefined ? {} : { batchSize: options.batchSize } },
    { promoteLongs: false },
  );
  return reply.cursor as Document;
}

/** The raw reply's cursor document of a getMore on a stream cursor. */
export async function getMore(db: Db, cursor: Document, options: { maxTimeMS?: number; batchSize?: number } = {}): Promise<Document> {
  const ns = String(cursor.ns);
  const collection = ns.slice(ns.indexOf('.') + 1);
  const reply = await db.command(
    { getMore: cursor.id, collection, maxTimeMS: options.maxTimeMS ?? 50, ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}) },
    { promoteLongs: false },
  );
  return reply.cursor as Document;
}

/** Events of a fresh getMore (the cursor of `opened` keeps its id). */
export async function nextEvents(db: Db, opened: Document, maxTimeMS = 50): Promise<Document[]> {
  return (await getMore(db, opened, { maxTimeMS })).nextBatch as Document[];
}

/** Test documents with number ids. */
export interface TestDoc {
  _id?: number;
  [field: string]: unknown;
}
