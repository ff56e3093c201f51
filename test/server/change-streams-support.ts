// Shared set-up for the change-stream tests: one one-member replica set per test
// file, an official-driver client, and raw aggregate/getMore helpers that show
// the server's replies as they are.
import type { Db, Document } from 'mongodb';
import { useServer, type ServerFixture } from './support/server-fixture.js';

/** One one-member replica set and a connected official-driver client per test file. */
export function useReplicaSet(): ServerFixture {
  return useServer({ replSet: 'rs0' });
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
