// The change log's pure parts: resume tokens (round trip, sort order, what is
// rejected) and updateDescription (applying it to the document before the
// update gives the document after, as a change-stream consumer relies on).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timestamp, type Document } from '../../src/bson.js';
import { CommandError } from '../../src/server/command-error.js';
import { ChangeLog } from '../../src/server/change-streams/change-log.js';
import { decodeResumeToken, encodeResumeToken, type ResumeTokenKind } from '../../src/server/change-streams/resume-token.js';
import { describeUpdate, type UpdateDescription } from '../../src/server/change-streams/update-description.js';

const kinds: ResumeTokenKind[] = ['highWaterMark', 'event', 'invalidate'];
const point = fc.record({
  t: fc.integer({ min: 0, max: 0xffffffff }),
  i: fc.integer({ min: 0, max: 0xffffffff }),
  position: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
  kind: fc.constantFrom(...kinds),
});

describe('resume tokens', () => {
  it('decode what they encode', () => {
    fc.assert(
      fc.property(point, ({ t, i, position, kind }) => {
        const token = encodeResumeToken({ clusterTime: new Timestamp({ t, i }), position, kind });
        const decoded = decodeResumeToken(token, 'resumeAfter');
        expect([decoded.clusterTime.t, decoded.clusterTime.i, decoded.position, decoded.kind]).toEqual([t, i, position, kind]);
      }),
    );
  });

  it('sort as (clusterTime, position) do', () => {
    fc.assert(
      fc.property(point, point, (a, b) => {
        const data = (p: typeof a) => String(encodeResumeToken({ clusterTime: new Timestamp({ t: p.t, i: p.i }), position: p.position, kind: 'event' })._data);
        const byFields = a.t - b.t || a.i - b.i || a.position - b.position;
        const byToken = data(a) < data(b) ? -1 : data(a) > data(b) ? 1 : 0;
        expect(Math.sign(byToken)).toBe(Math.sign(byFields));
      }),
    );
  });

  it('reject what this server did not make', () => {
    for (const bad of [{ _data: 'abc' }, { _data: 12 }, {}, { _data: `82${'0'.repeat(32)}09` }]) {
      expect(() => decodeResumeToken(bad, 'resumeAfter')).toThrow(CommandError);
    }
    expect(() => decodeResumeToken('token', 'startAfter')).toThrow(/startAfter/);
  });
});

describe('the change log', () => {
  it('stamps entries with the next cluster time, never going back, and finds positions by time', () => {
    let now = new Timestamp({ t: 100, i: 1 });
    const log = new ChangeLog({ current: () => now, nextWriteTime: () => new Timestamp({ t: now.t, i: now.i + 1 }) });
    const first = log.append({ kind: 'dropDatabase', ns: { db: 'a' } });
    const second = log.append({ kind: 'dropDatabase', ns: { db: 'b' } });
    expect(first.clusterTime).toEqual(new Timestamp({ t: 100, i: 2 }));
    expect(second.clusterTime).toEqual(first.clusterTime);
    now = new Timestamp({ t: 100, i: 5 });
    const third = log.append({ kind: 'dropDatabase', ns: { db: 'c' } });
    expect([first.position, second.position, third.position]).toEqual([0, 1, 2]);
    expect(log.firstPositionAtOrAfter(new Timestamp({ t: 100, i: 3 }))).toBe(2);
    expect(log.firstPositionAtOrAfter(new Timestamp({ t: 100, i: 2 }))).toBe(0);
    expect(log.highWaterMark()).toEqual({ clusterTime: third.clusterTime, position: 3, kind: 'highWaterMark' });
  });

  it('keeps a bounded history', () => {
    const log = new ChangeLog({ current: () => new Timestamp({ t: 1, i: 1 }), nextWriteTime: () => new Timestamp({ t: 1, i: 2 }) }, 10);
    for (let n = 0; n < 25; n++) log.append({ kind: 'dropDatabase', ns: { db: `d${n}` } });
    expect(log.hasTrimmed).toBe(true);
    expect(log.endPosition).toBe(25);
    expect(log.entryAt(log.startPosition)?.position).toBe(log.startPosition);
    expect(log.entryAt(0)).toBeUndefined();
  });
});

/** Walks a dotted path (or its disambiguated components): numeric components index arrays. */
function components(path: string, description: UpdateDescription): Array<string | number> {
  const given = description.disambiguatedPaths[path] as Array<string | number> | undefined;
  return given ?? path.split('.');
}

function containerOf(root: Document, parts: Array<string | number>): Record<string | number, unknown> {
  let node: unknown = root;
  for (const part of parts.slice(0, -1)) node = (node as Record<string | number, unknown>)[part];
  return node as Record<string | number, unknown>;
}

/** What a consumer does with an update event: truncate, set, unset. */
function applyDescription(before: Document, description: UpdateDescription): Document {
  const doc = structuredClone(before);
  for (const { field, newSize } of description.truncatedArrays as Array<{ field: string; newSize: number }>) {
    const parts = components(field, description);
    const array = containerOf(doc, parts)[parts.at(-1) as string] as unknown[];
    array.length = newSize;
  }
  for (const [path, value] of Object.entries(description.updatedFields)) {
    const parts = components(path, description);
    containerOf(doc, parts)[parts.at(-1) as string] = value;
  }
  for (const path of description.removedFields) {
    const parts = components(path, description);
    delete containerOf(doc, parts)[parts.at(-1) as string];
  }
  return doc;
}

const key = fc.constantFrom('a', 'b', '1', '02', 'x.y');
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
})).value;
const documentArb = fc.dictionary(key, value, { maxKeys: 5 });

describe('updateDescription', () => {
  it('applied to the document before the update, gives the document after it', () => {
    fc.assert(
      fc.property(documentArb, documentArb, (before, after) => {
        const description = describeUpdate({ _id: 1, ...before }, { _id: 1, ...after });
        expect(applyDescription({ _id: 1, ...before }, description)).toEqual({ _id: 1, ...after });
      }),
    );
  });

  it('reports array growth as indexed fields and shrinking as truncatedArrays', () => {
    expect(describeUpdate({ _id: 1, a: [1, 2, 3] }, { _id: 1, a: [1, 9] })).toEqual({
      updatedFields: { 'a.1': 9 },
      removedFields: [],
      truncatedArrays: [{ field: 'a', newSize: 2 }],
      disambiguatedPaths: {},
    });
    expect(describeUpdate({ _id: 1, a: [1] }, { _id: 1, a: [1, { b: 2 }] }).updatedFields).toEqual({ 'a.1': { b: 2 } });
  });

  it('tells an int from a double with the same value', async () => {
    const { Double } = await import('../../src/bson.js');
    expect(describeUpdate({ _id: 1, n: 1 }, { _id: 1, n: new Double(1) }).updatedFields).toEqual({ n: new Double(1) });
  });
});
