import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Binary } from '../../src/bson.js';
import { END_SESSIONS_BATCH_SIZE, ServerSessionPool } from '../../src/sessions/index.js';

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('server session pool', () => {
  it('creates ids of the form { id: UUID (Binary subtype 4) }', () => {
    const session = new ServerSessionPool().acquire(30);
    expect(session.id.id).toBeInstanceOf(Binary);
    expect((session.id.id as Binary).sub_type).toBe(4);
    expect((session.id.id as Binary).length()).toBe(16);
  });

  it('reuses the most recently released session first (LIFO)', () => {
    const pool = new ServerSessionPool(clock());
    const a = pool.acquire(30);
    const b = pool.acquire(30);
    expect(pool.inUse).toBe(2);
    pool.release(a, 30);
    pool.release(b, 30);
    expect(pool.inUse).toBe(0);
    expect(pool.acquire(30)).toBe(b);
    expect(pool.acquire(30)).toBe(a);
    expect(pool.acquire(30)).not.toBe(a);
  });

  it('discards dirty sessions on release', () => {
    const pool = new ServerSessionPool(clock());
    const s = pool.acquire(30);
    s.markDirty();
    pool.release(s, 30);
    expect(pool.available).toBe(0);
    expect(pool.acquire(30)).not.toBe(s);
  });

  it('discards sessions with less than a minute left, on acquire and on release', () => {
    const c = clock();
    const t0 = c.t;
    const pool = new ServerSessionPool(c);
    const a = pool.acquire(2);
    const b = pool.acquire(2);
    c.t = t0 + 50_000;
    b.markUsed(c.t);
    pool.release(a, 2);
    pool.release(b, 2);
    expect(pool.available).toBe(2);
    c.t = t0 + 70_000; // a idle 70 s of a 2-minute timeout: under a minute left; b idle 20 s
    expect(pool.acquire(2)).toBe(b);
    pool.release(b, 2); // prunes a from the back, keeps b
    expect(pool.available).toBe(1);
    c.t = t0 + 115_000; // b idle 65 s: discarded on acquire, a new session instead
    const next = pool.acquire(2);
    expect(next).not.toBe(b);
    expect(next).not.toBe(a);
    expect(pool.available).toBe(0);
    c.t = t0 + 200_000; // next idle 85 s when released: about to expire, not pooled
    pool.release(next, 2);
    expect(pool.available).toBe(0);
  });

  it('prunes stale sessions from the back when one is released', () => {
    const c = clock();
    const pool = new ServerSessionPool(c);
    const [a, b] = [pool.acquire(2), pool.acquire(2)];
    pool.release(a, 2);
    c.t += 61_000;
    pool.release(b, 2); // a has under a minute left: dropped; b (used at start, 61 s idle) too
    expect(pool.available).toBe(0);
    b.markUsed(c.t);
    pool.acquire(2);
    pool.release(b, 2);
    expect(pool.available).toBe(1);
  });

  it('keeps every session in load-balanced mode regardless of age', () => {
    const c = clock();
    const pool = new ServerSessionPool(c);
    const s = pool.acquire(2, true);
    c.t += 10 * 60_000;
    pool.release(s, 2, true);
    expect(pool.acquire(2, true)).toBe(s);
  });

  it('drains into endSessions batches of at most 10,000 ids', () => {
    const pool = new ServerSessionPool(clock());
    const sessions = Array.from({ length: END_SESSIONS_BATCH_SIZE + 3 }, () => pool.acquire(30));
    for (const s of sessions) pool.release(s, 30);
    const batches = pool.drain();
    expect(batches.map((b) => b.length)).toEqual([END_SESSIONS_BATCH_SIZE, 3]);
    expect(pool.available).toBe(0);
    expect(pool.drain()).toEqual([]);
  });

  it('never hands out a session that is in use (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (steps) => {
        const pool = new ServerSessionPool(clock());
        const held: ReturnType<ServerSessionPool['acquire']>[] = [];
        for (const acquire of steps) {
          if (acquire || held.length === 0) {
            const s = pool.acquire(30);
            expect(held).not.toContain(s);
            held.push(s);
          } else {
            const s = held.pop();
            if (s !== undefined) pool.release(s, 30);
          }
        }
        expect(pool.inUse).toBe(held.length);
      }),
    );
  });
});
