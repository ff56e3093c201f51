// The pool's record of one connection through its CMAP states
// (pending → available ⇄ inUse → closed).
import type { Waiter } from './wait-queue.js';

export type EntryState = 'pending' | 'available' | 'inUse' | 'closed';

/** Why a checked-out connection stays out past one operation (load-balancers spec, Connection Tracking). */
export type PinPurpose = 'cursor' | 'transaction';

export interface Entry<C> {
  readonly id: number;
  state: EntryState;
  conn: C | undefined;
  /** Generation at creation (non-LB) or of its service once established (LB). */
  generation: number;
  serviceKey: string | undefined;
  readonly createdAt: number;
  availableSince: number;
  readonly abort: AbortController;
  /** The checkout this establishment serves (undefined when populating minPoolSize). */
  waiter: Waiter<C> | undefined;
  /** Set while checked out for a cursor or a transaction; cleared at check-in. */
  pinnedFor?: PinPurpose;
}

/** Monotonic milliseconds, for CMAP event durations and idle times. */
export const now = (): number => performance.now();

export function newEntry<C>(id: number, generation: number): Entry<C> {
  return {
    id,
    state: 'pending',
    conn: undefined,
    generation,
    serviceKey: undefined,
    createdAt: now(),
    availableSince: 0,
    abort: new AbortController(),
    waiter: undefined,
  };
}

/**
 * True when a pending entry will become available once established: nobody is
 * waiting on it (minPoolSize population, or its checkout gave up).
 */
export function isUnclaimedPending<C>(entry: Entry<C>): boolean {
  return entry.state === 'pending' && (entry.waiter === undefined || entry.waiter.settled);
}
