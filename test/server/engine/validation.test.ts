import { describe, expect, it } from 'vitest';
import type { Document } from '../../../src/bson.js';
import { compileFilter } from '../../../src/server/query/matcher.js';
import { fakeContext, findAll, run, runError } from './fake-context.js';

function writeErrorCode(reply: Document): unknown {
  return (reply.writeErrors as Document[] | undefined)?.[0]?.code;
}

describe('document validation', () => {
  it('enforces a query validator on insert, update and findAndModify (121 with errInfo)', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { create: 'v', validator: { x: { $type: 'string' } } });
    expect((await run(ctx, { insert: 'v', documents: [{ _id: 1, x: 'a' }] })).n).toBe(1);
    expect(writeErrorCode(await run(ctx, { insert: 'v', documents: [{ _id: 2, x: 2 }] }))).toBe(121);
    expect(writeErrorCode(await run(ctx, { update: 'v', updates: [{ q: { _id: 1 }, u: { $set: { x: 1 } } }] }))).toBe(121);
    const error = await runError(ctx, { findAndModify: 'v', query: { _id: 1 }, update: { $set: { x: 1 } } });
    expect(error.code).toBe(121);
    expect((error.errInfo as Document).failingDocumentId).toBe(1);
    expect(typeof (error.errInfo as Document).details).toBe('object');
    await run(ctx, { findAndModify: 'v', query: { _id: 1 }, update: { $set: { x: 1 } }, bypassDocumentValidation: true });
    expect(await findAll(ctx, 'v')).toEqual([{ _id: 1, x: 1 }]);
  });

  it('honours validationLevel and validationAction, and collMod changes', async () => {
    const ctx = fakeContext('db');
    await run(ctx, { insert: 'm', documents: [{ _id: 1, x: 1 }, { _id: 2, x: 'ok' }] });
    await run(ctx, { collMod: 'm', validator: { x: { $type: 'string' } }, validationLevel: 'moderate' });
    // moderate: documents that were already invalid may be updated freely.
    expect(writeErrorCode(await run(ctx, { update: 'm', updates: [{ q: { _id: 1 }, u: { $set: { x: 2 } } }] }))).toBeUndefined();
    expect(writeErrorCode(await run(ctx, { update: 'm', updates: [{ q: { _id: 2 }, u: { $set: { x: 2 } } }] }))).toBe(121);
    await run(ctx, { collMod: 'm', validationAction: 'warn' });
    expect(writeErrorCode(await run(ctx, { insert: 'm', documents: [{ _id: 3, x: 3 }] }))).toBeUndefined();
  });

  it('supports a $jsonSchema subset', async () => {
    const schema = {
      bsonType: 'object', required: ['name'],
      properties: { name: { bsonType: 'string', minLength: 2 }, age: { bsonType: 'int', minimum: 0 }, tags: { type: 'array', items: { enum: ['a', 'b'] } } },
    };
    const test = compileFilter({ $jsonSchema: schema });
    expect(test({ name: 'Al', age: 3, tags: ['a'] })).toBe(true);
    expect(test({ age: 3 })).toBe(false);
    expect(test({ name: 'A' })).toBe(false);
    expect(test({ name: 'Al', age: -1 })).toBe(false);
    expect(test({ name: 'Al', tags: ['c'] })).toBe(false);
    expect(compileFilter({ $jsonSchema: { properties: { a: { bsonType: 'number' } }, additionalProperties: false } })({ a: 1.5, b: 1 })).toBe(false);
    expect(() => compileFilter({ $jsonSchema: { frobnicate: 1 } })).toThrow(/frobnicate/);
    const ctx = fakeContext('db');
    await run(ctx, { create: 's', validator: { $jsonSchema: schema } });
    expect(writeErrorCode(await run(ctx, { insert: 's', documents: [{ _id: 1, age: 4 }] }))).toBe(121);
  });
});
