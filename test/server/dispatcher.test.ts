// The dispatcher's generic checks and reply shaping, without a network.
import { describe, expect, it } from 'vitest';
import { Double, type Document } from '../../src/bson.js';
import { CommandError } from '../../src/server/command-error.js';
import { CommandRegistry } from '../../src/server/command-registry.js';
import { Dispatcher } from '../../src/server/dispatcher.js';
import { FailPointRegistry } from '../../src/server/failpoints/failpoint-registry.js';
import { MemoryCursorStore } from '../../src/server/cursors/cursor-store.js';
import { Storage } from '../../src/server/storage/storage.js';

function setUp(): { dispatch: (body: Document) => Promise<Document>; registry: CommandRegistry; errors: unknown[] } {
  const registry = new CommandRegistry();
  const errors: unknown[] = [];
  registry.register({ name: 'ping', run: () => ({}) });
  registry.register({ name: 'insert', run: () => ({ n: 1 }) });
  registry.register({ name: 'fails', run: () => { throw new CommandError(11000, 'dup', { keyValue: { a: 1 } }); } });
  registry.register({ name: 'crashes', run: () => { throw new Error('bug'); } });
  const dispatcher = new Dispatcher({
    registry,
    failpoints: new FailPointRegistry(),
    server: { storage: new Storage(), cursors: new MemoryCursorStore() },
    onInternalError: (error) => errors.push(error),
  });
  const connection = { id: 1, appName: undefined, clientMetadata: undefined, remoteAddress: 'x' };
  const dispatch = async (body: Document): Promise<Document> => {
    const outcome = await dispatcher.dispatch({ body, dbName: 'db', connection, signal: new AbortController().signal });
    if (outcome.kind !== 'reply') throw new Error('expected a reply');
    return outcome.reply;
  };
  return { dispatch, registry, errors };
}

describe('Dispatcher', () => {
  it('adds ok: 1.0 as a double', async () => {
    const { dispatch } = setUp();
    const reply = await dispatch({ ping: 1 });
    expect(reply.ok).toBeInstanceOf(Double);
    expect((reply.ok as Double).value).toBe(1);
  });

  it('shapes CommandError and unexpected exceptions', async () => {
    const { dispatch, errors } = setUp();
    expect(await dispatch({ fails: 1 })).toMatchObject({ errmsg: 'dup', code: 11000, codeName: 'DuplicateKey', keyValue: { a: 1 } });
    expect(await dispatch({ crashes: 1 })).toMatchObject({ code: 1, codeName: 'InternalError' });
    expect(errors).toHaveLength(1);
    expect(await dispatch({ nope: 1 })).toMatchObject({ code: 59, errmsg: "no such command: 'nope'" });
  });

  it('validates the Stable API fields', async () => {
    const { dispatch } = setUp();
    expect(await dispatch({ ping: 1, apiVersion: '1', apiStrict: true })).toMatchObject({});
    expect(await dispatch({ ping: 1, apiVersion: '3' })).toMatchObject({ code: 322, codeName: 'APIVersionError' });
    expect(await dispatch({ ping: 1, apiStrict: true })).toMatchObject({ code: 4886600 });
    expect(await dispatch({ ping: 1, apiVersion: '1', apiStrict: 'yes' })).toMatchObject({ code: 14 });
  });

  it('rejects apiStrict for commands outside API version 1', async () => {
    const { dispatch, registry } = setUp();
    registry.register({ name: 'distinct', run: () => ({}) });
    expect(await dispatch({ distinct: 'c', apiVersion: '1', apiStrict: true })).toMatchObject({ code: 323, codeName: 'APIStrictError' });
  });

  it('validates write concern, read concern and maxTimeMS', async () => {
    const { dispatch } = setUp();
    expect(await dispatch({ insert: 'c', writeConcern: { w: 0, j: true } })).toMatchObject({ code: 9 });
    expect(await dispatch({ insert: 'c', writeConcern: { w: 'majority', j: true, wtimeout: 10 } })).toMatchObject({ n: 1 });
    expect(await dispatch({ insert: 'c', writeConcern: { w: 'myTag' } })).toMatchObject({ n: 1 });
    expect(await dispatch({ insert: 'c', writeConcern: 'majority' })).toMatchObject({ code: 14 });
    expect(await dispatch({ ping: 1, readConcern: { level: 'majority' } })).not.toHaveProperty('code');
    // A standalone has no snapshots to read from (mongod 5.0+).
    expect(await dispatch({ ping: 1, readConcern: { level: 'snapshot' } })).toMatchObject({
      code: 123,
      codeName: 'NotAReplicaSet',
      errmsg: 'node needs to be a replica set member to use readConcern: snapshot',
    });
    expect(await dispatch({ ping: 1, readConcern: { level: 'strong' } })).toMatchObject({ code: 2 });
    expect(await dispatch({ ping: 1, maxTimeMS: 2 ** 31 })).toMatchObject({ code: 2 });
    expect(await dispatch({ ping: 1, maxTimeMS: 'soon' })).toMatchObject({ code: 2 });
  });

  it('applies apiStrict and apiDeprecationErrors per API version, after command lookup', async () => {
    const { dispatch, registry } = setUp();
    for (const name of ['testVersion2', 'testDeprecation', 'testDeprecationInVersion2']) registry.register({ name, run: () => ({}) });
    expect(await dispatch({ testVersion2: 1, apiVersion: '1', apiStrict: true })).toMatchObject({
      code: 323,
      codeName: 'APIStrictError',
      errmsg: 'Provided apiStrict:true, but the command testVersion2 is not in API Version 1',
    });
    expect(await dispatch({ testVersion2: 1, apiVersion: '2', apiStrict: true })).not.toHaveProperty('code');
    expect(await dispatch({ testDeprecation: 1, apiVersion: '1', apiDeprecationErrors: true })).toMatchObject({ code: 324, codeName: 'APIDeprecationError' });
    expect(await dispatch({ testDeprecation: 1, apiVersion: '1' })).not.toHaveProperty('code');
    expect(await dispatch({ testDeprecationInVersion2: 1, apiVersion: '2', apiDeprecationErrors: true })).toMatchObject({
      code: 324,
      errmsg: 'Provided apiDeprecationErrors:true, but the command testDeprecationInVersion2 is deprecated in API Version 2',
    });
    expect(await dispatch({ testUnknown: 1, apiVersion: '1', apiStrict: true })).toMatchObject({ code: 59 });
  });

  it('rejects aggregation stages outside API version 1 under apiStrict', async () => {
    const { dispatch, registry } = setUp();
    registry.register({ name: 'aggregate', run: () => ({}) });
    const pipeline = [{ $listLocalSessions: {} }, { $limit: 1 }];
    expect(await dispatch({ aggregate: 1, pipeline, cursor: {}, apiVersion: '1', apiStrict: true })).toMatchObject({ code: 323 });
    expect(await dispatch({ aggregate: 1, pipeline, cursor: {}, apiVersion: '1' })).not.toHaveProperty('code');
    expect(await dispatch({ aggregate: 'c', pipeline: [{ $match: {} }], cursor: {}, apiVersion: '1', apiStrict: true })).not.toHaveProperty('code');
  });

  it('refuses duplicate registrations unless replacing', () => {
    const { registry } = setUp();
    expect(() => registry.register({ name: 'ping', run: () => ({}) })).toThrow(/already registered/);
    registry.register({ name: 'ping', run: () => ({ replaced: true }) }, { replace: true });
    expect(() => registry.register({ name: '$bad', run: () => ({}) })).toThrow(/invalid command name/);
  });
});
