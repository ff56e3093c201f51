import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { MongoCursorExhaustedError, MongoCursorInUseError } from '../../src/errors.js';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { FindCursor } from '../../src/crud/cursors/find-cursor.js';
import { Executor } from '../../src/crud/executor.js';
import type { FindOptions } from '../../src/crud/operations/find.js';
import { FakeTarget, cursorResponder } from './support/fake-target.js';

const docs = (n: number): Document[] => Array.from({ length: n }, (_, i) => ({ i }));

function cursorOver(all: Document[], firstBatch: number, options: FindOptions = {}) {
  const target = new FakeTarget(cursorResponder(all, firstBatch));
  const executor = new Executor({ target, events: new TypedEventEmitter<ClientEventMap>(), retryReads: true, retryWrites: true });
  const cursor = new FindCursor(executor, 'db', 'c', {}, options, {});
  const names = () => target.sent.map((s) => Object.keys(s.body)[0]);
  return { cursor, target, names };
}

describe('cursors', () => {
  it('toArray walks every batch with getMore on the same server', async () => {
    const { cursor, target, names } = cursorOver(docs(10), 3, { batchSize: 3 });
    expect((await cursor.toArray()).map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(names()).toEqual(['find', 'getMore', 'getMore', 'getMore']);
    expect(target.selections).toHaveLength(1);
    expect(target.sent.every((s) => s.server === 'host0:27017')).toBe(true);
    expect(target.sent[1].body).toMatchObject({ collection: 'c', batchSize: 3 });
    expect(cursor.closed).toBe(true);
  });

  it('next/hasNext/tryNext and exhaustion', async () => {
    const { cursor } = cursorOver(docs(3), 2);
    expect(await cursor.hasNext()).toBe(true);
    expect(await cursor.next()).toEqual({ i: 0 });
    expect(await cursor.tryNext()).toEqual({ i: 1 });
    expect(await cursor.next()).toEqual({ i: 2 });
    expect(await cursor.next()).toBeNull();
    expect(await cursor.hasNext()).toBe(false);
  });

  it('for-await break sends killCursors for an open cursor', async () => {
    const { cursor, names, target } = cursorOver(docs(10), 3, { batchSize: 3 });
    for await (const doc of cursor) if (doc.i === 1) break;
    expect(names()).toEqual(['find', 'killCursors']);
    expect(target.sent[1].body.cursors[0].toString()).toBe('42');
    await expect(cursor.next()).rejects.toBeInstanceOf(MongoCursorExhaustedError);
  });

  it('prefetches the next batch when iteration hands out the last buffered document', async () => {
    const { cursor, names } = cursorOver(docs(6), 3, { batchSize: 3 });
    const iterator = cursor[Symbol.asyncIterator]();
    for (let k = 0; k < 3; k++) await iterator.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(names()).toEqual(['find', 'getMore']);
    const seen: number[] = [];
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) break;
      seen.push((step.value as Document).i as number);
    }
    expect(seen).toEqual([3, 4, 5]);
    expect(names()).toEqual(['find', 'getMore']);
  });

  it('break right after a prefetch still kills the cursor the prefetch left open', async () => {
    const { cursor, names } = cursorOver(docs(9), 3, { batchSize: 3 });
    let n = 0;
    for await (const _ of cursor) if (++n === 3) break;
    expect(names()).toEqual(['find', 'getMore', 'killCursors']);
  });

  it('limit caps getMore batchSize and kills a cursor left open at the limit', async () => {
    const { cursor, target, names } = cursorOver(docs(20), 4, { limit: 6, batchSize: 4 });
    expect(await cursor.toArray()).toHaveLength(6);
    expect(target.sent[1].body.batchSize).toBe(2);
    expect(names()).toEqual(['find', 'getMore', 'killCursors']);
  });

  it('map transforms documents; options are frozen once iteration starts', async () => {
    const { cursor } = cursorOver(docs(3), 5);
    const mapped = cursor.map((d) => (d.i as number) * 10);
    expect(await mapped.toArray()).toEqual([0, 10, 20]);
    expect(() => cursor.sort({ a: 1 })).toThrow(MongoCursorInUseError);
  });

  it('close() without iterating sends nothing', async () => {
    const { cursor, names } = cursorOver(docs(3), 5);
    await cursor.close();
    expect(names()).toEqual([]);
  });
});
