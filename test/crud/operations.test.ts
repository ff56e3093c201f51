import { describe, expect, it } from 'vitest';
import { Long, ObjectId } from '../../src/bson.js';
import { MongoInvalidArgumentError, MongoWriteError } from '../../src/errors.js';
import { AggregateOperation } from '../../src/crud/operations/aggregate.js';
import * as commands from '../../src/crud/operations/commands.js';
import { readCursorResponse } from '../../src/crud/operations/cursor-response.js';
import { FindAndModifyOperation } from '../../src/crud/operations/find-and-modify.js';
import { FindOneOperation, FindOperation, findLimits } from '../../src/crud/operations/find.js';
import { GetMoreOperation, KillCursorsOperation, splitNamespace } from '../../src/crud/operations/get-more.js';
import { DeleteOperation, InsertOneOperation, UpdateOperation, deleteStatement, updateStatement, validateUpdate } from '../../src/crud/operations/write.js';

describe('find', () => {
  it('maps limit/batchSize per the find spec', () => {
    expect(findLimits(undefined, undefined)).toEqual({});
    expect(findLimits(-5, undefined)).toEqual({ limit: 5, batchSize: 5, singleBatch: true });
    expect(findLimits(0, -3)).toEqual({ batchSize: 3, singleBatch: true });
    expect(findLimits(10, 10)).toEqual({ limit: 10, batchSize: 11 });
    expect(findLimits(20, 10)).toEqual({ limit: 20, batchSize: 10 });
    expect(() => findLimits(1.5, undefined)).toThrow(MongoInvalidArgumentError);
  });

  it('builds the body with only the options given', () => {
    const op = new FindOperation('db', 'c', { a: 1 }, { sort: { a: -1 }, projection: { _id: 0 }, skip: 2, limit: 3, comment: 'x', cursorType: 'tailableAwait' }, {});
    expect(op.buildCommand()).toEqual({ find: 'c', filter: { a: 1 }, sort: { a: -1 }, projection: { _id: 0 }, skip: 2, comment: 'x', limit: 3, tailable: true, awaitData: true });
    expect(op.capabilities).toMatchObject({ kind: 'read', retryable: true, createsCursor: true });
  });

  it('findOne sends limit 1, singleBatch and no batchSize; reads the first document or null', () => {
    const op = new FindOneOperation('db', 'c', {}, { projection: { a: 1 } }, {});
    expect(op.buildCommand()).toEqual({ find: 'c', filter: {}, projection: { a: 1 }, limit: 1, singleBatch: true });
    expect(op.handleReply({ ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [{ a: 1 }] } })).toEqual({ a: 1 });
    expect(op.handleReply({ ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] } })).toBeNull();
  });

  it('reads cursor replies with number, Long and bigint ids', () => {
    expect(readCursorResponse({ cursor: { id: 0, ns: 'a.b', firstBatch: [] } }, 'firstBatch').id.isZero()).toBe(true);
    expect(readCursorResponse({ cursor: { id: 5n, ns: 'a.b', nextBatch: [{}] } }, 'nextBatch').id.toString()).toBe('5');
    expect(readCursorResponse({ cursor: { id: Long.fromString('9007199254740993'), ns: 'a.b', firstBatch: [] } }, 'firstBatch').id.toString()).toBe('9007199254740993');
    expect(() => readCursorResponse({ ok: 1 }, 'firstBatch')).toThrow(/no 'cursor'/);
  });

  it('getMore and killCursors bodies; namespaces with dots', () => {
    expect(new GetMoreOperation('db', 'c', Long.fromNumber(9), { batchSize: 5, maxAwaitTimeMS: 100, comment: 'k' }).buildCommand()).toEqual({
      getMore: Long.fromNumber(9), collection: 'c', batchSize: 5, maxTimeMS: 100, comment: 'k',
    });
    expect(new KillCursorsOperation('db', 'c', [Long.fromNumber(9)]).buildCommand()).toEqual({ killCursors: 'c', cursors: [Long.fromNumber(9)] });
    expect(splitNamespace('db.a.b')).toEqual({ db: 'db', collection: 'a.b' });
  });
});

describe('writes', () => {
  it('insertOne builds one inline document and returns its _id', () => {
    const id = new ObjectId();
    const op = new InsertOneOperation('db', 'c', { _id: id, a: 1 }, { bypassDocumentValidation: true }, {});
    expect(op.buildCommand()).toEqual({ insert: 'c', documents: [{ _id: id, a: 1 }], ordered: true, bypassDocumentValidation: true });
    expect(op.handleReply({ ok: 1, n: 1 })).toEqual({ acknowledged: true, insertedId: id });
    expect(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, { writeConcern: { w: 0 } }).handleReply({ ok: 1 }).acknowledged).toBe(false);
  });

  it('raises the first write error as MongoWriteError', () => {
    const op = new InsertOneOperation('db', 'c', { _id: 1 }, undefined, {});
    const error = (() => {
      try {
        op.handleReply({ ok: 1, n: 0, writeErrors: [{ index: 0, code: 11000, errmsg: 'E11000 duplicate key' }] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MongoWriteError);
    expect((error as MongoWriteError).code).toBe(11000);
  });

  it('update statements and results (matched excludes upserts)', () => {
    const statement = updateStatement({ a: 1 }, { $set: { b: 1 } }, true, { upsert: true, arrayFilters: [{ x: 1 }], hint: 'a_1' });
    expect(statement).toEqual({ q: { a: 1 }, u: { $set: { b: 1 } }, upsert: true, arrayFilters: [{ x: 1 }], hint: 'a_1', multi: true });
    const op = new UpdateOperation('db', 'c', statement, { let: { v: 1 } }, {});
    expect(op.buildCommand()).toEqual({ update: 'c', updates: [statement], ordered: true, let: { v: 1 } });
    expect(op.capabilities.retryable).toBe(false);
    expect(op.handleReply({ ok: 1, n: 1, nModified: 0, upserted: [{ index: 0, _id: 'u' }] })).toEqual({
      acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: 'u',
    });
    expect(new UpdateOperation('db', 'c', updateStatement({}, { $inc: { n: 1 } }, false, undefined), undefined, {}).capabilities.retryable).toBe(true);
  });

  it('delete statements set limit 1 or 0', () => {
    expect(deleteStatement({ a: 1 }, false, { collation: { locale: 'fr' } })).toEqual({ q: { a: 1 }, limit: 1, collation: { locale: 'fr' } });
    const many = new DeleteOperation('db', 'c', deleteStatement({}, true, undefined), undefined, {});
    expect(many.buildCommand()).toEqual({ delete: 'c', deletes: [{ q: {}, limit: 0 }], ordered: true });
    expect(many.handleReply({ ok: 1, n: 4 })).toEqual({ acknowledged: true, deletedCount: 4 });
  });

  it('validates update and replacement documents, naming the offending key', () => {
    expect(() => validateUpdate({ a: 1 }, 'update')).toThrow(/'a' is not one/);
    expect(() => validateUpdate({}, 'update')).toThrow(/must not be empty/);
    expect(() => validateUpdate([{ $set: { a: 1 } }], 'update')).not.toThrow();
    expect(() => validateUpdate({ $set: { a: 1 } }, 'replacement')).toThrow(/'\$set'/);
    expect(() => validateUpdate({ a: 1 }, 'replacement')).not.toThrow();
  });

  it('findAndModify: update/replace/delete bodies and results', () => {
    const upd = new FindAndModifyOperation('db', 'c', { a: 1 }, 'update', { $set: { b: 2 } }, { returnDocument: 'after', upsert: true, projection: { b: 1 }, sort: { a: 1 } }, {});
    expect(upd.buildCommand()).toEqual({ findAndModify: 'c', query: { a: 1 }, sort: { a: 1 }, update: { $set: { b: 2 } }, new: true, upsert: true, fields: { b: 1 } });
    const del = new FindAndModifyOperation('db', 'c', {}, 'delete', undefined, {}, {});
    expect(del.buildCommand()).toEqual({ findAndModify: 'c', query: {}, remove: true });
    expect(del.handleReply({ ok: 1, value: { a: 1 } })).toEqual({ a: 1 });
    expect(del.handleReply({ ok: 1, value: null })).toBeNull();
    const meta = new FindAndModifyOperation('db', 'c', {}, 'delete', undefined, { includeResultMetadata: true }, {});
    expect(meta.handleReply({ ok: 1, value: null, lastErrorObject: { n: 0 } })).toEqual({ ok: 1, value: null, lastErrorObject: { n: 0 } });
  });
});

describe('aggregate and simple commands', () => {
  it('aggregate with $out is a write without batchSize 0, and takes the write concern', () => {
    const out = new AggregateOperation('db', 'c', [{ $match: {} }, { $out: 'x' }], { batchSize: 0 }, { writeConcern: { w: 1 } });
    expect(out.buildCommand()).toEqual({ aggregate: 'c', pipeline: [{ $match: {} }, { $out: 'x' }], cursor: {} });
    expect(out.capabilities.kind).toBe('write');
    expect(out.writeConcern).toEqual({ w: 1 });
    const read = new AggregateOperation('db', undefined, [], { batchSize: 5, allowDiskUse: true }, { writeConcern: { w: 1 } });
    expect(read.buildCommand()).toEqual({ aggregate: 1, pipeline: [], cursor: { batchSize: 5 }, allowDiskUse: true });
    expect(read.writeConcern).toBeUndefined();
  });

  it('count, distinct and index commands', () => {
    expect(commands.estimatedCount('db', 'c', { maxTimeMS: 5 }, {}).buildCommand()).toEqual({ count: 'c', maxTimeMS: 5 });
    expect(commands.estimatedCount('db', 'c', undefined, {}).handleReply({ ok: 1, n: 7 }, undefined as never)).toBe(7);
    expect(commands.distinct('db', 'c', 'k', { a: 1 }, undefined, {}).buildCommand()).toEqual({ distinct: 'c', key: 'k', query: { a: 1 } });
    expect(commands.defaultIndexName({ a: 1, 'b.c': -1, t: 'text' })).toBe('a_1_b.c_-1_t_text');
    const ci = commands.createIndexes('db', 'c', [{ key: { a: 1 }, unique: true }], undefined, {});
    expect(ci.buildCommand()).toEqual({ createIndexes: 'c', indexes: [{ key: { a: 1 }, unique: true, name: 'a_1' }] });
    expect(ci.handleReply({ ok: 1 }, undefined as never)).toEqual(['a_1']);
    expect(() => commands.createIndexes('db', 'c', [], undefined, {})).toThrow(MongoInvalidArgumentError);
  });

  it('runCommand carries no concerns; listCollections/listDatabases bodies', () => {
    const rc = commands.runCommand('db', { ping: 1 }, { readConcern: { level: 'majority' }, writeConcern: { w: 1 } } as never);
    expect(rc.readConcern).toBeUndefined();
    expect(rc.writeConcern).toBeUndefined();
    expect(() => commands.runCommand('db', {}, {})).toThrow(/non-empty/);
    expect(commands.listCollections('db', { name: 'x' }, { nameOnly: true }, {}).buildCommand()).toEqual({ listCollections: 1, filter: { name: 'x' }, cursor: {}, nameOnly: true });
    expect(commands.listDatabases({ nameOnly: true }, {}).dbName).toBe('admin');
    expect(commands.renameCollection('a.b', 'a.c', { dropTarget: true }, {}).buildCommand()).toEqual({ renameCollection: 'a.b', to: 'a.c', dropTarget: true });
  });
});

describe('unacknowledged writes', () => {
  it('do not raise write errors from the reply (w: 0 reports nothing back)', () => {
    const op = new InsertOneOperation('db', 'c', { _id: 1 }, undefined, { writeConcern: { w: 0 } });
    const reply = { ok: 1, n: 0, writeErrors: [{ index: 0, code: 11000, errmsg: 'E11000 duplicate key' }] };
    expect(op.handleReply(reply)).toEqual({ acknowledged: false, insertedId: 1 });
  });
});
