import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EJSON, Long, ObjectId } from '../../../src/bson.js';
import { DEFAULT_MAX_DOCUMENT_LENGTH, stringifyDocument, stringifyValue, truncateText } from '../../../src/monitoring/logger/index.js';

describe('stringifyDocument', () => {
  it('writes relaxed extended JSON', () => {
    const id = new ObjectId('64b7f0c2a1b2c3d4e5f60718');
    expect(stringifyDocument({ a: 1, n: Long.fromNumber(5), d: new Date(0), _id: id })).toBe(
      '{"a":1,"n":5,"d":{"$date":"1970-01-01T00:00:00Z"},"_id":{"$oid":"64b7f0c2a1b2c3d4e5f60718"}}',
    );
  });

  it('keeps a document at exactly the limit and truncates one longer, appending "..."', () => {
    const json = EJSON.stringify({ x: 'abcdef' }, { relaxed: true });
    expect(stringifyDocument({ x: 'abcdef' }, json.length)).toBe(json);
    const cut = stringifyDocument({ x: 'abcdef' }, json.length - 1);
    expect(cut).toBe(`${json.slice(0, json.length - 1)}...`);
    expect(cut.length).toBe(json.length - 1 + 3);
  });

  it('defaults to 1000 (prose test 1: 100 × {x:"y"} → 1000 + "...")', () => {
    const docs = Array.from({ length: 100 }, () => ({ x: 'y' }));
    const out = stringifyDocument({ insert: 'coll', documents: docs, $db: 'db' });
    expect(DEFAULT_MAX_DOCUMENT_LENGTH).toBe(1000);
    expect(out.length).toBe(1000 + 3);
    expect(out.endsWith('...')).toBe(true);
  });

  it('max length 5 (prose test 2)', () => {
    expect(stringifyDocument({ hello: true }, 5)).toBe('{"hel...');
  });

  it('length 0 leaves only the ellipsis', () => {
    expect(stringifyDocument({ a: 1 }, 0)).toBe('...');
  });

  it('never throws on values EJSON cannot write', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(stringifyDocument(cyclic)).toMatch(/^<unserializable/);
  });
});

describe('truncation with multi-byte code points (prose test 3)', () => {
  it('rounds down rather than split a surrogate pair', () => {
    const text = 'ab😀cd'; // 😀 is two UTF-16 code units at indexes 2 and 3
    expect(truncateText(text, 3)).toBe('ab...');
    expect(truncateText(text, 4)).toBe('ab😀...');
    expect(truncateText(text, 2)).toBe('ab...');
  });

  it('in documents with emoji and CJK text', () => {
    const out = stringifyDocument({ s: '日本😀😀😀' }, 10);
    // '{"s":"日本😀' is 10 code units; cutting at 10 ends exactly after the first emoji.
    expect(out).toBe('{"s":"日本😀...');
    expect(stringifyDocument({ s: '日本😀😀😀' }, 9)).toBe('{"s":"日本...');
  });

  it('property: output is a well-formed prefix + "..." no longer than max + 3', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '"', '日', '😀', '𝄞'), maxLength: 40 }), fc.nat(60), (text, max) => {
        const out = truncateText(text, max);
        if (text.length <= max) return out === text;
        const body = out.slice(0, -3);
        return out.endsWith('...') && text.startsWith(body) && body.length <= max && body.length >= max - 1 && !splitsSurrogatePair(text, body.length);
      }),
      { numRuns: 300 },
    );
  });
});

/** True when cutting `text` at `end` separates a high surrogate from its low surrogate. */
function splitsSurrogatePair(text: string, end: number): boolean {
  const before = text.charCodeAt(end - 1);
  const after = text.charCodeAt(end);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

describe('stringifyValue', () => {
  it('writes Maps as documents, Sets as arrays, errors by name and message, functions by marker', () => {
    const value = { servers: new Map([['a:1', { type: 'Unknown', error: new TypeError('boom') }]]), tags: new Set(['x']), pick: () => 1 };
    expect(JSON.parse(stringifyValue(value))).toEqual({
      servers: { 'a:1': { type: 'Unknown', error: { errorName: 'TypeError', message: 'boom' } } },
      tags: ['x'],
      pick: '<function>',
    });
  });

  it('survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(stringifyValue(cyclic, 100_000)).toContain('<…>');
  });
});
