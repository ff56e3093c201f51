// CSOT deadline arithmetic and option rules, on a fake clock (no real waiting).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { applyTimeoutFields, asTimeoutError, contextFor, maxTimeMSFor, timeoutErrorFrom, validateTimeoutMS } from '../../src/crud/csot.js';
import { planCursorTimeout } from '../../src/crud/cursors/abstract-cursor.js';
import { MongoInvalidArgumentError, MongoOperationTimeoutError, MongoServerError, MongoWriteConcernError } from '../../src/errors.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('maxTimeMSFor', () => {
  it('is the remaining time minus the minimum RTT, rounded down', () => {
    const ctx = TimeoutContext.create({ timeoutMS: 1000 });
    vi.advanceTimersByTime(300);
    expect(maxTimeMSFor(ctx, 50, 'find')).toBe(650);
    vi.advanceTimersByTime(100.6);
    expect(maxTimeMSFor(ctx, 0, 'find')).toBe(599);
  });

  it('refuses to send when the RTT is not less than what is left', () => {
    const ctx = TimeoutContext.create({ timeoutMS: 100 });
    vi.advanceTimersByTime(60);
    expect(() => maxTimeMSFor(ctx, 40, 'insert')).toThrow(MongoOperationTimeoutError);
    expect(() => maxTimeMSFor(ctx, 39, 'insert')).not.toThrow();
  });

  it('refuses to send once the deadline has passed', () => {
    const ctx = TimeoutContext.create({ timeoutMS: 10 });
    vi.advanceTimersByTime(10);
    expect(() => maxTimeMSFor(ctx, 0, 'find')).toThrow(/not sent/);
  });

  it('is undefined without a deadline (timeoutMS 0 or unset)', () => {
    expect(maxTimeMSFor(contextFor(0), 0, 'find')).toBeUndefined();
    expect(maxTimeMSFor(TimeoutContext.none(), 0, 'find')).toBeUndefined();
  });
});

describe('applyTimeoutFields', () => {
  it('replaces a deprecated maxTimeMS with the deadline-derived one', () => {
    const body = { find: 'c', maxTimeMS: 5000 };
    applyTimeoutFields(body, contextFor(1000), 'deadline', 0, 'find');
    expect(body.maxTimeMS).toBe(1000);
  });

  it('drops maxTimeMS with timeoutMS 0 and leaves bodies alone without timeoutMS', () => {
    const infinite: Record<string, unknown> = { find: 'c', maxTimeMS: 5000 };
    applyTimeoutFields(infinite, contextFor(0), 'deadline', 0, 'find');
    expect(infinite).not.toHaveProperty('maxTimeMS');
    const legacy = { find: 'c', maxTimeMS: 5000 };
    applyTimeoutFields(legacy, TimeoutContext.none(), 'deadline', 0, 'find');
    expect(legacy.maxTimeMS).toBe(5000);
  });

  it('omits maxTimeMS for the omit policy', () => {
    const body: Record<string, unknown> = { getMore: 1, maxTimeMS: 10 };
    applyTimeoutFields(body, contextFor(1000), 'omit', 0, 'getMore');
    expect(body).not.toHaveProperty('maxTimeMS');
  });

  it('caps maxAwaitTimeMS by the remaining time for awaitData getMores', () => {
    const ctx = contextFor(1000);
    const body = { getMore: 1, maxTimeMS: 50 };
    applyTimeoutFields(body, ctx, 'awaitCap', 0, 'getMore');
    expect(body.maxTimeMS).toBe(50);
    vi.advanceTimersByTime(980);
    applyTimeoutFields(body, ctx, 'awaitCap', 0, 'getMore');
    expect(body.maxTimeMS).toBe(20);
    const none: Record<string, unknown> = { getMore: 1 };
    applyTimeoutFields(none, ctx, 'awaitCap', 0, 'getMore');
    expect(none).not.toHaveProperty('maxTimeMS');
  });

  it('drops wtimeout, and a write concern left empty', () => {
    const only: Record<string, unknown> = { insert: 'c', writeConcern: { wtimeout: 10 } };
    applyTimeoutFields(only, contextFor(0), 'deadline', 0, 'insert');
    expect(only).not.toHaveProperty('writeConcern');
    const mixed = { insert: 'c', writeConcern: { w: 1, wtimeout: 10 } };
    applyTimeoutFields(mixed, contextFor(0), 'deadline', 0, 'insert');
    expect(mixed.writeConcern).toEqual({ w: 1 });
  });
});

describe('error transformation', () => {
  it('turns MaxTimeMSExpired (code 50 only) into a timeout error with the server error as cause', () => {
    const server = new MongoServerError({ ok: 0, code: 50, codeName: 'Other', errmsg: 'anything' });
    const out = asTimeoutError(server, contextFor(100));
    expect(out).toBeInstanceOf(MongoOperationTimeoutError);
    expect((out as Error).cause).toBe(server);
    expect(String(out)).toContain('anything');
  });

  it('covers writeConcernError and writeErrors', () => {
    const wce = new MongoWriteConcernError({ code: 50, errmsg: 'wc' }, { ok: 1 });
    expect(asTimeoutError(wce, contextFor(0))).toBeInstanceOf(MongoOperationTimeoutError);
    const nested = new MongoServerError({ ok: 0, code: 2, errmsg: 'x', writeErrors: [{ index: 0, code: 50 }] });
    expect(asTimeoutError(nested, contextFor(0))).toBeInstanceOf(MongoOperationTimeoutError);
  });

  it('keeps legacy errors without timeoutMS, and other codes always', () => {
    const server = new MongoServerError({ ok: 0, code: 50, errmsg: 'x' });
    expect(asTimeoutError(server, TimeoutContext.none())).toBe(server);
    const other = new MongoServerError({ ok: 0, code: 7, errmsg: 'x' });
    expect(asTimeoutError(other, contextFor(100))).toBe(other);
  });

  it('keeps the labels of the last error', () => {
    const last = new MongoServerError({ ok: 0, code: 7, errmsg: 'x', errorLabels: ['RetryableWriteError'] });
    const out = timeoutErrorFrom(last, 'no time left');
    expect(out.hasErrorLabel('RetryableWriteError')).toBe(true);
    expect(out.cause).toBe(last);
  });
});

describe('validateTimeoutMS', () => {
  it('accepts 0 and positive numbers, rejects negatives and non-numbers', () => {
    expect(validateTimeoutMS(0, 'x')).toBe(0);
    expect(validateTimeoutMS(undefined, 'x')).toBeUndefined();
    expect(() => validateTimeoutMS(-1, 'x')).toThrow(MongoInvalidArgumentError);
    expect(() => validateTimeoutMS('10', 'x')).toThrow(MongoInvalidArgumentError);
  });
});

describe('planCursorTimeout', () => {
  it('needs timeoutMS for timeoutMode', () => {
    expect(() => planCursorTimeout({ timeoutMode: 'iteration' }, undefined)).toThrow(/timeoutMode/);
    expect(planCursorTimeout({}, undefined)).toBeUndefined();
  });

  it('defaults to cursorLifetime, or iteration for tailable cursors', () => {
    expect(planCursorTimeout({}, 100)?.mode).toBe('cursorLifetime');
    expect(planCursorTimeout({ tailable: true }, 100)?.mode).toBe('iteration');
    expect(planCursorTimeout({ timeoutMode: 'iteration' }, 100)?.mode).toBe('iteration');
  });

  it('rejects cursorLifetime for tailable cursors', () => {
    expect(() => planCursorTimeout({ tailable: true, timeoutMode: 'cursorLifetime' }, 100)).toThrow(MongoInvalidArgumentError);
  });

  it('needs maxAwaitTimeMS below a non-zero timeoutMS for awaitData cursors', () => {
    expect(() => planCursorTimeout({ tailable: true, awaitData: true, maxAwaitTimeMS: 100 }, 100)).toThrow(/maxAwaitTimeMS/);
    expect(() => planCursorTimeout({ tailable: true, awaitData: true, maxAwaitTimeMS: 150 }, 100)).toThrow(/maxAwaitTimeMS/);
    expect(planCursorTimeout({ tailable: true, awaitData: true, maxAwaitTimeMS: 99 }, 100)?.mode).toBe('iteration');
    expect(planCursorTimeout({ tailable: true, awaitData: true, maxAwaitTimeMS: 500 }, 0)?.mode).toBe('iteration');
  });
});
