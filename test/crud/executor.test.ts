import { describe, expect, it } from 'vitest';
import { MongoNetworkError, MongoServerError, MongoWriteConcernError } from '../../src/errors.js';
import { Executor, readPreferenceField, type SessionHooks } from '../../src/crud/executor.js';
import { TypedEventEmitter, type ClientEventMap } from '../../src/crud/client-events.js';
import { FindOneOperation } from '../../src/crud/operations/find.js';
import { InsertOneOperation, UpdateOperation, updateStatement } from '../../src/crud/operations/write.js';
import { runCommand } from '../../src/crud/operations/commands.js';
import { GetMoreOperation } from '../../src/crud/operations/get-more.js';
import { Long } from '../../src/bson.js';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent } from '../../src/monitoring/command-events.js';
import { FakeTarget, OK, type Responder } from './support/fake-target.js';

function setup(respond: Responder, extra: Partial<ConstructorParameters<typeof Executor>[0]> = {}, target = new FakeTarget(respond)) {
  const events = new TypedEventEmitter<ClientEventMap>();
  const executor = new Executor({ target, events, retryReads: true, retryWrites: true, ...extra });
  return { executor, target, events };
}

const findOne = (inherited = {}) => new FindOneOperation('db', 'c', { a: 1 }, undefined, inherited);

describe('executor: cross-cutting fields', () => {
  it('adds $db, readConcern to reads and writeConcern to writes, each once', async () => {
    const { executor, target } = setup(() => ({ ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] }, n: 1 }));
    await executor.execute(findOne({ readConcern: { level: 'majority' }, writeConcern: { w: 2 } }));
    await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, { readConcern: { level: 'majority' }, writeConcern: { w: 2 } }));
    const [find, insert] = target.sent.map((s) => s.body);
    expect(find).toMatchObject({ find: 'c', $db: 'db', readConcern: { level: 'majority' } });
    expect(find.writeConcern).toBeUndefined();
    expect(insert).toMatchObject({ insert: 'c', $db: 'db', writeConcern: { w: 2 } });
    expect(insert.readConcern).toBeUndefined();
    expect(Object.keys(find)[0]).toBe('find');
  });

  it('adds Stable API fields to every command, getMore included', async () => {
    const { executor, target } = setup(() => ({ ok: 1, cursor: { id: 0, ns: 'db.c', nextBatch: [] } }), { serverApi: { version: '1', strict: true } });
    await executor.execute(new GetMoreOperation('db', 'c', Long.fromNumber(5), {}), { server: target.servers[0] });
    expect(target.sent[0].body).toMatchObject({ apiVersion: '1', apiStrict: true });
    expect('apiDeprecationErrors' in target.sent[0].body).toBe(false);
    expect(target.selections).toHaveLength(0);
  });

  it('runCommand gets no read/write concern and $readPreference only where the rules say', async () => {
    const target = new FakeTarget(() => OK, 'Sharded', ['Mongos']);
    const { executor } = setup(() => OK, {}, target);
    await executor.execute(runCommand('db', { ping: 1 }, { readPreference: { mode: 'secondary' } }));
    await executor.execute(runCommand('db', { ping: 1 }, {}));
    expect(target.sent[0].body).toEqual({ ping: 1, $db: 'db', $readPreference: { mode: 'secondary' } });
    expect(target.sent[1].body).toEqual({ ping: 1, $db: 'db' });
  });

  it('follows the server-selection rules for $readPreference', () => {
    const secondary = { mode: 'secondary' as const, tags: [{ dc: 'ny' }] };
    expect(readPreferenceField('Single', 'Standalone', secondary)).toBeUndefined();
    expect(readPreferenceField('Single', 'RSSecondary', undefined)).toEqual({ mode: 'primaryPreferred' });
    expect(readPreferenceField('Single', 'RSSecondary', { mode: 'primary' })).toEqual({ mode: 'primaryPreferred' });
    expect(readPreferenceField('Single', 'Mongos', { mode: 'primary' })).toBeUndefined();
    expect(readPreferenceField('Sharded', 'Mongos', secondary)).toEqual({ mode: 'secondary', tags: [{ dc: 'ny' }] });
    expect(readPreferenceField('ReplicaSetWithPrimary', 'RSPrimary', { mode: 'primary' })).toBeUndefined();
    expect(readPreferenceField('ReplicaSetWithPrimary', 'RSSecondary', { mode: 'nearest' })).toEqual({ mode: 'nearest' });
  });

  it('never sends $readPreference with writes', async () => {
    const target = new FakeTarget(() => ({ ok: 1, n: 1 }), 'Single', ['RSPrimary']);
    const { executor } = setup(() => OK, {}, target);
    await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, { readPreference: { mode: 'secondary' } }));
    expect(target.sent[0].body.$readPreference).toBeUndefined();
    expect(target.selections[0]).toMatchObject({ readPreference: { mode: 'primary' }, forWrite: true });
  });
});

describe('executor: replies and errors', () => {
  it('raises MongoServerError for ok: 0 and reports it to the server handle', async () => {
    const { executor, target } = setup(() => ({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad' }));
    await expect(executor.execute(findOne())).rejects.toBeInstanceOf(MongoServerError);
    expect(target.servers[0].errors).toHaveLength(1);
    expect(target.servers[0].checkedOut).toBe(0);
  });

  it('raises MongoWriteConcernError for a single write with writeConcernError', async () => {
    const { executor } = setup(() => ({ ok: 1, n: 1, writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } }));
    const error = await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, {})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoWriteConcernError);
    expect((error as MongoWriteConcernError).code).toBe(64);
  });
});

describe('executor: retry loop', () => {
  it('retries a read once after a network error, with a fresh selection', async () => {
    let calls = 0;
    const { executor, target } = setup(() => (++calls === 1 ? new MongoNetworkError('reset') : { ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [{ a: 1 }] } }));
    expect(await executor.execute(findOne())).toEqual({ a: 1 });
    expect(calls).toBe(2);
    expect(target.selections).toHaveLength(2);
  });

  it('does not retry a read twice, and reports the last error', async () => {
    const { executor } = setup(() => new MongoNetworkError('down'));
    await expect(executor.execute(findOne())).rejects.toThrow('down');
  });

  it('does not retry reads when retryReads is false', async () => {
    let calls = 0;
    const { executor } = setup(() => (++calls, new MongoNetworkError('x')), { retryReads: false });
    await expect(executor.execute(findOne())).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('does not retry writes without a txnNumber from the session hooks', async () => {
    let calls = 0;
    const { executor } = setup(() => (++calls, new MongoNetworkError('x')));
    await expect(executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, {}))).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('retries a write with the same txnNumber when hooks provide one (on a server with sessions)', async () => {
    let calls = 0;
    const seen: unknown[] = [];
    const hooks: SessionHooks = {
      begin: (_op, state) => {
        if (_op.capabilities.retryable) state.txnNumber = 7;
      },
      decorate: (body, _op, state) => {
        body.txnNumber = state.txnNumber;
        seen.push(state.attempt);
      },
    };
    const target = new FakeTarget(() => (++calls === 1 ? new MongoNetworkError('x') : { ok: 1, n: 1 }), 'ReplicaSetWithPrimary', ['RSPrimary']);
    const { executor } = setup(() => OK, { hooks }, target);
    const result = await executor.execute(new InsertOneOperation('db', 'c', { _id: 1 }, undefined, {}));
    expect(result.insertedId).toBe(1);
    expect(target.sent.map((s) => s.body.txnNumber)).toEqual([7, 7]);
    expect(seen).toEqual([0, 1]);
  });

  it('never retries multi-document writes', async () => {
    let calls = 0;
    const hooks: SessionHooks = { begin: (_op, state) => void (state.txnNumber = 1) };
    const target = new FakeTarget(() => (++calls, new MongoNetworkError('x')), 'ReplicaSetWithPrimary', ['RSPrimary']);
    const { executor } = setup(() => OK, { hooks }, target);
    await expect(executor.execute(new UpdateOperation('db', 'c', updateStatement({}, { $set: { a: 1 } }, true, undefined), undefined, {}))).rejects.toThrow();
    expect(calls).toBe(1);
  });

  it('deprioritizes the failed mongos on a sharded retry', async () => {
    let calls = 0;
    const target = new FakeTarget(() => (++calls === 1 ? new MongoNetworkError('x') : { ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] } }), 'Sharded', ['Mongos', 'Mongos']);
    const { executor } = setup(() => OK, {}, target);
    await executor.execute(findOne());
    expect(target.selections[1].deprioritized?.map((s) => s.address)).toEqual(['host0:27017']);
  });
});

describe('executor: command monitoring', () => {
  it('publishes started/succeeded with the same requestId and shared fields', async () => {
    const { executor, events } = setup(() => ({ ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] } }));
    const started: CommandStartedEvent[] = [];
    const succeeded: CommandSucceededEvent[] = [];
    events.on('commandStarted', (e) => started.push(e));
    events.on('commandSucceeded', (e) => succeeded.push(e));
    await executor.execute(findOne());
    expect(started[0]).toMatchObject({ commandName: 'find', databaseName: 'db', connectionId: 1, serverConnectionId: 77, address: 'host0:27017' });
    expect(started[0].command.find).toBe('c');
    expect(succeeded[0].requestId).toBe(started[0].requestId);
    expect(succeeded[0].operationId).toBe(started[0].operationId);
    expect(succeeded[0].durationMS).toBeGreaterThanOrEqual(0);
  });

  it('publishes commandFailed for ok: 0 and for network errors', async () => {
    let calls = 0;
    const { executor, events } = setup(() => (++calls === 1 ? new MongoNetworkError('reset') : { ok: 0, code: 8000, errmsg: 'nope' }));
    const failed: CommandFailedEvent[] = [];
    events.on('commandFailed', (e) => failed.push(e));
    await expect(executor.execute(findOne())).rejects.toThrow('nope');
    expect(failed.map((e) => e.failure.message)).toEqual(['reset', 'nope']);
    expect(failed[0].operationId).toBe(failed[1].operationId);
  });

  it('redacts sensitive commands and replies', async () => {
    const { executor, events } = setup(() => ({ ok: 1, secret: 'x' }));
    const started: CommandStartedEvent[] = [];
    const succeeded: CommandSucceededEvent[] = [];
    events.on('commandStarted', (e) => started.push(e));
    events.on('commandSucceeded', (e) => succeeded.push(e));
    await executor.execute(runCommand('admin', { saslStart: 1, payload: 'pw' }, {}));
    await executor.execute(runCommand('admin', { hello: 1, speculativeAuthenticate: { a: 1 } }, {}));
    await executor.execute(runCommand('admin', { hello: 1 }, {}));
    expect(started.map((e) => e.command)).toEqual([{}, {}, { hello: 1, $db: 'admin' }]);
    expect(succeeded.map((e) => e.reply)).toEqual([{}, {}, { ok: 1, secret: 'x' }]);
  });

  it('builds no event when nobody listens', async () => {
    const { executor, events } = setup(() => ({ ok: 1, cursor: { id: 0, ns: 'db.c', firstBatch: [] } }));
    let built = 0;
    const original = events.emit.bind(events);
    events.emit = ((name: never, e: never) => (built++, original(name, e))) as typeof events.emit;
    await executor.execute(findOne());
    expect(built).toBe(0);
  });
});
