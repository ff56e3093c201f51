// The one timeout/cancel context of an operation (client-side operations timeout):
// a deadline (from timeoutMS) and/or an AbortSignal. It flows through server
// selection, connection checkout and socket I/O, so every step waits at most
// what is left. Steps with their own legacy limit (waitQueueTimeoutMS,
// connectTimeoutMS, socketTimeoutMS) pass it as a cap; the cap only applies when
// no operation deadline is set, as the CSOT spec prescribes.
import { MongoInvalidArgumentError, MongoOperationTimeoutError } from '../errors.js';

export type TimeoutCause =
  /** The operation's deadline (timeoutMS) passed. */
  | { readonly kind: 'deadline' }
  /** The step's own legacy limit passed. */
  | { readonly kind: 'cap' }
  /** The caller's AbortSignal fired. */
  | { readonly kind: 'aborted'; readonly reason: unknown };

export interface TimeoutContextOptions {
  /** The operation's whole budget in ms; 0 means no limit (CSOT "infinite"). */
  timeoutMS?: number;
  signal?: AbortSignal;
}

const now = (): number => performance.now();

export class TimeoutContext {
  private constructor(
    /** Absolute deadline on the performance.now() clock, or undefined for none. */
    readonly deadline: number | undefined,
    readonly signal: AbortSignal | undefined,
    /** The timeoutMS this context was built from (undefined: legacy timeouts apply). */
    readonly timeoutMS: number | undefined,
  ) {}

  private static readonly NONE = new TimeoutContext(undefined, undefined, undefined);

  /** No deadline, no signal: legacy per-step timeouts apply. */
  static none(): TimeoutContext {
    return TimeoutContext.NONE;
  }

  static create(options: TimeoutContextOptions = {}): TimeoutContext {
    const { timeoutMS, signal } = options;
    if (timeoutMS !== undefined && (!Number.isFinite(timeoutMS) || timeoutMS < 0)) {
      throw new MongoInvalidArgumentError(`timeoutMS must be a non-negative number, got ${String(timeoutMS)}`);
    }
    if (timeoutMS === undefined && signal === undefined) return TimeoutContext.NONE;
    const deadline = timeoutMS === undefined || timeoutMS === 0 ? undefined : now() + timeoutMS;
    return new TimeoutContext(deadline, signal, timeoutMS);
  }

  /** True when timeoutMS was given: legacy step limits (waitQueueTimeoutMS, socketTimeoutMS) are ignored. */
  get csot(): boolean {
    return this.timeoutMS !== undefined;
  }

  /** Milliseconds left before the deadline (Infinity when there is none; never negative). */
  remainingMS(): number {
    return this.deadline === undefined ? Infinity : Math.max(0, this.deadline - now());
  }

  /**
   * The time a step may wait: what is left of the deadline, or, without a
   * deadline, the step's cap (0 or undefined = no limit).
   */
  stepLimitMS(capMS?: number): number {
    if (this.csot) return this.remainingMS();
    return capMS === undefined || capMS <= 0 ? Infinity : capMS;
  }

  /** Why the context is already over, or undefined while it is live. */
  doneCause(): TimeoutCause | undefined {
    if (this.signal?.aborted === true) return { kind: 'aborted', reason: this.signal.reason };
    if (this.deadline !== undefined && now() >= this.deadline) return { kind: 'deadline' };
    return undefined;
  }

  /** Throws if the context is over (the abort reason, or a MongoOperationTimeoutError). */
  throwIfDone(step: string): void {
    const cause = this.doneCause();
    if (cause !== undefined) throw this.errorFor(cause, step);
  }

  /**
   * Calls `callback` once when the context ends or the step's cap passes, whichever
   * is first. Returns the function that disarms it; call it when the step finishes.
   */
  onDone(callback: (cause: TimeoutCause) => void, capMS?: number): () => void {
    let fired = false;
    const fire = (cause: TimeoutCause): void => {
      if (fired) return;
      fired = true;
      disarm();
      callback(cause);
    };
    const limit = this.stepLimitMS(capMS);
    const timer =
      limit === Infinity
        ? undefined
        : setTimeout(() => fire(this.csot ? { kind: 'deadline' } : { kind: 'cap' }), limit);
    timer?.unref?.();
    const onAbort = (): void => fire({ kind: 'aborted', reason: this.signal?.reason });
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const disarm = (): void => {
      fired = true;
      if (timer !== undefined) clearTimeout(timer);
      this.signal?.removeEventListener('abort', onAbort);
    };
    if (this.signal?.aborted === true) onAbort();
    return disarm;
  }

  /**
   * The error for a cause. A deadline becomes MongoOperationTimeoutError; an abort
   * rejects with the signal's reason (as fetch and node streams do). A cap has no
   * generic error: the step names its own (wait-queue or socket timeout).
   */
  errorFor(cause: TimeoutCause, step: string): Error {
    if (cause.kind === 'aborted') {
      return cause.reason instanceof Error ? cause.reason : new MongoOperationTimeoutError(`${step} was aborted`, { cause: cause.reason });
    }
    return new MongoOperationTimeoutError(`${step} exceeded timeoutMS (${String(this.timeoutMS)} ms)`);
  }
}
