// The change log's byte budget: oldest entries go once the held document images pass it,
// and a stream resuming from (or positioned at) a trimmed entry fails as on mongod when the
// oplog has rolled over: ChangeStreamHistoryLost (286), not resumable.
import { describe, expect, it } from 'vitest';
import { serialize, Timestamp, type Document } from '../../src/bson.js';
import type { CommandContext } from '../../src/server/types.js';
import { CommandError } from '../../src/server/command-error.js';
import { approximateEntryBytes, ChangeLog, DEFAULT_CHANGE_LOG_MAX_BYTES } from '../../src/server/change-streams/change-log.js';
import { ChangeRecorder } from '../../src/server/change-streams/change-recorder.js';
import { openChangeStream } from '../../src/server/change-streams/open-change-stream.js';
import { encodeResumeToken } from '../../src/server/change-streams/resume-token.js';
import { Storage } from '../../src/server/storage/storage.js';

function tickingClock(): { current(): Timestamp; nextWriteTime(): Timestamp } {
  let i = 1;
  return { current: () => new Timestamp({ t: 1, i }), nextWriteTime: () => new Timestamp({ t: 1, i: ++i }) };
}

/** An insert of a document about `bytes` long. */
function insertOf(id: number, bytes: number): { kind: 'insert'; ns: { db: string; coll: string }; after: Uint8Array } {
  return { kind: 'insert', ns: { db: 'test', coll: 'c' }, after: serialize({ _id: id, pad: 'x'.repeat(bytes) }) };
}

function streamOn(log: ChangeLog): { storage: Storage; open(spec: Document): ReturnType<typeof openChangeStream> } {
  const storage = new Storage();
  storage.recordChanges(new ChangeRecorder(log));
  const context = { server: { storage }, dbName: 'test' } as unknown as CommandContext;
  return { storage, open: (spec) => openChangeStream({ aggregate: 'c', pipeline: [{ $changeStream: spec }], cursor: {} }, context, { storage, dbName: 'test' }) };
}

function historyLostCode(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CommandError) {
      expect(error.extra.errorLabels).toEqual(['NonResumableChangeStreamError']);
      return error.code;
    }
    throw error;
  }
  return undefined;
}

describe('the change log byte budget', () => {
  it('defaults to 64 MiB alongside the entry count', () => {
    expect(DEFAULT_CHANGE_LOG_MAX_BYTES).toBe(64 * 1024 * 1024);
    const log = new ChangeLog(tickingClock());
    log.append(insertOf(1, 1000));
    expect(log.bytes).toBe(approximateEntryBytes(insertOf(1, 1000)));
    expect(log.hasTrimmed).toBe(false);
  });

  it('drops the oldest entries once their images pass the budget, keeping positions', () => {
    const maxBytes = 20_000;
    const log = new ChangeLog(tickingClock(), 100_000, maxBytes);
    for (let n = 0; n < 100; n++) {
      log.append(insertOf(n, 1000));
      expect(log.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(log.hasTrimmed).toBe(true);
    expect(log.endPosition).toBe(100);
    // Far fewer than 100 entries fit in 20 kB of ~1.1 kB images, and more than a handful do.
    const held = log.endPosition - log.startPosition;
    expect(held).toBeGreaterThan(10);
    expect(held).toBeLessThan(20);
    expect(log.entryAt(0)).toBeUndefined();
    expect(log.entryAt(99)?.position).toBe(99);
    expect(log.entryAt(log.startPosition)?.position).toBe(log.startPosition);
  });

  it('keeps the newest entry even when it alone is over the budget', () => {
    const log = new ChangeLog(tickingClock(), 100_000, 5_000);
    log.append(insertOf(1, 100));
    const big = log.append(insertOf(2, 10_000));
    expect(log.startPosition).toBe(big.position);
    expect(log.entryAt(big.position)).toBe(big);
    expect(log.bytes).toBeGreaterThan(5_000);
    log.append(insertOf(3, 100));
    expect(log.startPosition).toBe(big.position + 1);
    expect(log.bytes).toBeLessThanOrEqual(5_000);
  });

  it('counts DDL descriptions as well as document images', () => {
    const small = approximateEntryBytes({ kind: 'createIndexes', ns: { db: 'test', coll: 'c' } });
    const described = approximateEntryBytes({ kind: 'createIndexes', ns: { db: 'test', coll: 'c' }, operationDescription: { indexes: [{ name: 'x'.repeat(500) }] } });
    expect(described - small).toBeGreaterThan(500);
  });

  it('refuses to resume from a token whose entry was trimmed: ChangeStreamHistoryLost (286)', () => {
    const log = new ChangeLog(tickingClock(), 100_000, 10_000);
    const stream = streamOn(log);
    const first = log.append(insertOf(1, 100));
    const token = encodeResumeToken({ clusterTime: first.clusterTime, position: first.position, kind: 'event' });
    // Before trimming the token resumes.
    expect(historyLostCode(() => stream.open({ resumeAfter: token }))).toBeUndefined();
    for (let n = 2; n < 40; n++) log.append(insertOf(n, 1000));
    expect(log.startPosition).toBeGreaterThan(first.position);
    expect(historyLostCode(() => stream.open({ resumeAfter: token }))).toBe(286);
    expect(historyLostCode(() => stream.open({ startAfter: token }))).toBe(286);
  });

  it('fails an open stream that fell behind the trimmed history with 286', () => {
    const log = new ChangeLog(tickingClock(), 100_000, 10_000);
    const stream = streamOn(log);
    const { cursor } = stream.open({});
    for (let n = 0; n < 40; n++) log.append(insertOf(n, 1000));
    expect(historyLostCode(() => cursor.next(10))).toBe(286);
  });
});
