// CSOT for cursors: which timeoutMode applies, the option combinations the spec
// makes client-side errors (checked before the opening command is sent), and the
// deadline each of the cursor's commands runs under.
import type { TimeoutContext } from '../../connection/timeout-context.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { contextFor, type MaxTimeMSPolicy, type TimeoutMode } from '../csot.js';
import type { ExecuteOptions } from '../executor.js';

export type { TimeoutMode };

/** How one of the cursor's commands is timed (the executor's options). */
export type CommandTiming = Pick<ExecuteOptions, 'timeout' | 'maxTimeMS'>;

/** What planCursorTimeout reads of a cursor's options. */
interface CursorTimeoutOptions {
  readonly tailable?: boolean;
  readonly awaitData?: boolean;
  readonly maxAwaitTimeMS?: number;
  readonly timeoutMode?: TimeoutMode;
}

/** Per-call options of close(). */
export interface CursorCloseOptions {
  /** The killCursors timeout (default: the cursor's timeoutMS, refreshed). */
  timeoutMS?: number;
}

/** How the cursor's commands are timed under timeoutMS (CSOT "Cursors"). */
export interface TimeoutPlan {
  readonly timeoutMS: number;
  readonly mode: TimeoutMode;
  /** cursorLifetime: the one deadline of the opening command and every getMore. */
  readonly lifetime: TimeoutContext | undefined;
}

/** Validates the cursor's CSOT options against its inherited timeoutMS (the spec's client-side errors). */
export function planCursorTimeout(options: CursorTimeoutOptions, timeoutMS: number | undefined): { timeoutMS: number; mode: TimeoutMode } | undefined {
  const tailable = options.tailable === true;
  if (timeoutMS === undefined) {
    if (options.timeoutMode !== undefined) throw new MongoInvalidArgumentError('timeoutMode can only be set when timeoutMS is set');
    return undefined;
  }
  if (tailable && options.timeoutMode === 'cursorLifetime') throw new MongoInvalidArgumentError('tailable cursors only support timeoutMode "iteration"');
  const maxAwait = options.maxAwaitTimeMS;
  if (maxAwait !== undefined && timeoutMS > 0 && maxAwait >= timeoutMS) {
    throw new MongoInvalidArgumentError(`maxAwaitTimeMS (${maxAwait}) must be less than timeoutMS (${timeoutMS})`);
  }
  return { timeoutMS, mode: options.timeoutMode ?? (tailable ? 'iteration' : 'cursorLifetime') };
}

/**
 * The deadlines of one cursor's commands under timeoutMS: one for the cursor's life
 * (cursorLifetime), or in ITERATION mode the opening command's own and, for each public
 * call, one shared by the getMores that call sends.
 */
export class CursorTiming {
  private plan: TimeoutPlan | undefined;
  /** ITERATION mode: the deadline of the current next()/tryNext()/hasNext() call (or toArray() batch), shared by its getMores. */
  private callTimeout: TimeoutContext | undefined;
  /** A public call of this cursor runs and owns callTimeout (not a change stream's shared one). */
  private callRunning = false;

  /** The cursor's timeoutMS (undefined: legacy timeouts), the default of killCursors' refreshed timeout. */
  get timeoutMS(): number | undefined {
    return this.plan?.timeoutMS;
  }

  /** Whether timeoutMS applies: a getMore then starts only within the call its time belongs to (no prefetch). */
  get active(): boolean {
    return this.plan !== undefined;
  }

  /** A change stream's next() spans its getMore and any resume: it hands the cursor that call's deadline. */
  share(timeout: TimeoutContext | undefined): void {
    this.callTimeout = timeout;
  }

  /** Runs one public call of the cursor: in ITERATION mode its getMores share one fresh deadline (CSOT "Cursors"). */
  async call<T>(run: () => Promise<T>): Promise<T> {
    if (this.callTimeout !== undefined || this.callRunning || this.plan?.mode === 'cursorLifetime') return run();
    this.callRunning = true;
    try {
      return await run();
    } finally {
      this.callRunning = false;
      this.callTimeout = undefined;
    }
  }

  /** The opening command's timing: ITERATION mode sends no maxTimeMS unless the cursor awaits data. */
  opening(options: CursorTimeoutOptions, operationTimeoutMS: number | undefined, operationTimeout: TimeoutContext | undefined): CommandTiming {
    const plan = planCursorTimeout(options, operationTimeoutMS);
    if (plan === undefined) return {};
    const timeout = operationTimeout ?? contextFor(plan.timeoutMS);
    this.plan = { ...plan, lifetime: plan.mode === 'cursorLifetime' ? timeout : undefined };
    const policy: MaxTimeMSPolicy = plan.mode === 'cursorLifetime' || options.awaitData === true ? 'deadline' : 'omit';
    return { timeout, maxTimeMS: policy };
  }

  /** getMore never carries a maxTimeMS of its own but an awaitData cursor's maxAwaitTimeMS (capped by the time left). */
  getMore(awaitData: boolean): CommandTiming {
    const plan = this.plan;
    if (plan === undefined) return {};
    // The call's deadline starts with its first getMore: after the opening command, when the
    // call opened the cursor (the opening has its own timeoutMS, as the spec separates them).
    if (plan.lifetime === undefined && this.callRunning) this.callTimeout ??= contextFor(plan.timeoutMS);
    const policy: MaxTimeMSPolicy = awaitData ? 'awaitCap' : 'omit';
    return { timeout: plan.lifetime ?? this.callTimeout ?? contextFor(plan.timeoutMS), maxTimeMS: policy };
  }
}
