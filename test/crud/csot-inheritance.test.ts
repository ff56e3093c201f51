// timeoutMS inheritance client → db → collection → operation, and the retry rule it changes.
import { describe, expect, it } from 'vitest';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { forOperation, resolveLevel, rootLevel } from '../../src/crud/inheritance.js';
import { shouldRetry, type RetryState } from '../../src/crud/retry-policy.js';
import { READ } from '../../src/crud/operations/operation.js';
import type { Operation } from '../../src/crud/operations/operation.js';
import { MongoInvalidArgumentError, MongoNetworkError } from '../../src/errors.js';

const primary = { mode: 'primary' as const };

describe('timeoutMS inheritance', () => {
  it('flows from the client to the operation unless a level sets its own', () => {
    const client = rootLevel(primary, undefined, undefined, 500);
    const db = resolveLevel(client, {});
    expect(db.timeoutMS).toBe(500);
    const coll = resolveLevel(db, { timeoutMS: 200 });
    expect(coll.timeoutMS).toBe(200);
    expect(forOperation(coll, undefined).timeoutMS).toBe(200);
    expect(forOperation(coll, { timeoutMS: 0 }).timeoutMS).toBe(0);
  });

  it('cannot be unset once set (undefined inherits)', () => {
    const client = rootLevel(primary, undefined, undefined, 500);
    expect(resolveLevel(client, { timeoutMS: undefined }).timeoutMS).toBe(500);
  });

  it('stays unset when no level sets it, so legacy timeouts apply', () => {
    const client = rootLevel(primary, undefined, undefined);
    const op = forOperation(resolveLevel(client, {}), {});
    expect(op.timeoutMS).toBeUndefined();
    expect(op.timeoutContext).toBeUndefined();
  });

  it('starts one deadline per API call', () => {
    const coll = rootLevel(primary, undefined, undefined, 1000);
    const op = forOperation(coll, {});
    expect(op.timeoutContext).toBeInstanceOf(TimeoutContext);
    expect(op.timeoutContext?.timeoutMS).toBe(1000);
    expect(forOperation(coll, {}).timeoutContext).not.toBe(op.timeoutContext);
  });

  it('rejects negative values at every level', () => {
    const client = rootLevel(primary, undefined, undefined);
    expect(() => resolveLevel(client, { timeoutMS: -1 })).toThrow(MongoInvalidArgumentError);
    expect(() => forOperation(client, { timeoutMS: -5 })).toThrow(MongoInvalidArgumentError);
  });
});

describe('retries under timeoutMS', () => {
  const read: Operation<unknown> = { commandName: 'find', dbName: 'db', capabilities: READ, buildCommand: () => ({ find: 'c' }), handleReply: () => undefined };
  const state = (attempt: number, retryUntilDeadline: boolean): RetryState => ({
    attempt,
    lastError: undefined,
    deprioritized: [],
    txnNumber: undefined,
    operationId: 1,
    server: undefined,
    serverDescription: undefined,
    session: undefined,
    keepSession: false,
    commandSent: true,
    retryUntilDeadline,
  });
  const settings = { retryReads: true, retryWrites: true };

  it('retries once without timeoutMS', () => {
    const error = new MongoNetworkError('boom');
    expect(shouldRetry(read, state(0, false), error, settings, false)).toBe(true);
    expect(shouldRetry(read, state(1, false), error, settings, false)).toBe(false);
  });

  it('keeps retrying while the deadline allows', () => {
    const error = new MongoNetworkError('boom');
    expect(shouldRetry(read, state(5, true), error, settings, false)).toBe(true);
  });
});
