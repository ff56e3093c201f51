// CSOT for cursors: which timeoutMode applies, and the option combinations the spec
// makes client-side errors (checked before the opening command is sent).
import type { TimeoutContext } from '../../connection/timeout-context.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import type { TimeoutMode } from '../csot.js';

export type { TimeoutMode };

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
