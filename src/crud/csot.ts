// Client-side operations timeout (CSOT) rules the executor applies to one command:
// the maxTimeMS it derives from what is left of the deadline, the deprecated options
// timeoutMS overrides, and the server errors that become timeout errors.
import type { Document } from '../bson.js';
import { TimeoutContext } from '../connection/timeout-context.js';
import { MongoError, MongoInvalidArgumentError, MongoOperationTimeoutError, MongoServerError, MongoWriteConcernError } from '../errors.js';

/** MaxTimeMSExpired: the spec says to check the code only, never the name or message. */
export const MAX_TIME_MS_EXPIRED = 50;

/** CSOT cursors: timeoutMS caps the cursor's life, or applies afresh to each next(). */
export type TimeoutMode = 'cursorLifetime' | 'iteration';

/** How the executor treats a command's maxTimeMS under a timeoutMS deadline. */
export type MaxTimeMSPolicy =
  /** remaining timeoutMS − min RTT replaces any maxTimeMS the command had (the default). */
  | 'deadline'
  /** No maxTimeMS at all (getMore of non-awaitData cursors, ITERATION mode's opening command, killCursors). */
  | 'omit'
  /** awaitData getMore: min(maxAwaitTimeMS, remaining − min RTT), only when maxAwaitTimeMS was set. */
  | 'awaitCap';

/** Throws when `value` is not a valid timeoutMS (a non-negative integer); returns it otherwise. */
export function validateTimeoutMS(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MongoInvalidArgumentError(`${where}: timeoutMS must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

/** The context of an operation with this timeoutMS (undefined: legacy timeouts apply). */
export function contextFor(timeoutMS: number | undefined, signal?: AbortSignal): TimeoutContext {
  if (timeoutMS === undefined && signal === undefined) return TimeoutContext.none();
  return TimeoutContext.create({ timeoutMS, signal });
}

/**
 * The command's maxTimeMS under `ctx` (Command Execution): remaining − minRTT, rounded down.
 * Throws the timeout error when nothing would be left for the server, so the command is
 * never sent. Undefined when the context has no deadline.
 */
export function maxTimeMSFor(ctx: TimeoutContext, minRoundTripTimeMS: number, commandName: string): number | undefined {
  if (ctx.deadline === undefined) return undefined;
  const remaining = ctx.remainingMS();
  const rtt = Math.max(0, minRoundTripTimeMS);
  if (remaining <= 0 || remaining <= rtt) {
    throw new MongoOperationTimeoutError(
      `${commandName} not sent: ${Math.floor(remaining)} ms left of timeoutMS (${String(ctx.timeoutMS)} ms) is not more than the server's minimum round trip time (${rtt} ms)`,
    );
  }
  return Math.max(1, Math.floor(remaining - rtt));
}

/**
 * Applies timeoutMS to a decorated command body: the deprecated maxTimeMS and wtimeout are
 * dropped, and maxTimeMS is derived from the deadline as `policy` says.
 */
export function applyTimeoutFields(body: Document, ctx: TimeoutContext, policy: MaxTimeMSPolicy, minRoundTripTimeMS: number, commandName: string): void {
  if (!ctx.csot) return;
  stripWTimeout(body);
  if (policy === 'omit') {
    delete body.maxTimeMS;
    return;
  }
  if (policy === 'awaitCap') {
    const maxAwait = body.maxTimeMS;
    if (typeof maxAwait !== 'number') return;
    const fromDeadline = maxTimeMSFor(ctx, minRoundTripTimeMS, commandName);
    if (fromDeadline !== undefined && fromDeadline < maxAwait) body.maxTimeMS = fromDeadline;
    return;
  }
  const value = maxTimeMSFor(ctx, minRoundTripTimeMS, commandName);
  if (value === undefined) delete body.maxTimeMS;
  else body.maxTimeMS = value;
}

/** wtimeout is ignored with timeoutMS; a write concern left empty is not sent at all. */
function stripWTimeout(body: Document): void {
  const wc: unknown = body.writeConcern;
  if (wc === null || typeof wc !== 'object' || !('wtimeout' in wc)) return;
  const { wtimeout: _ignored, ...rest } = wc as Document;
  if (Object.keys(rest).length === 0) delete body.writeConcern;
  else body.writeConcern = rest;
}

/** A MaxTimeMSExpired (code 50) at the top level, in writeErrors or in the writeConcernError. */
export function isMaxTimeExpired(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  if (error.code === MAX_TIME_MS_EXPIRED) return true;
  if (error instanceof MongoWriteConcernError) return false;
  const reply = error.reply;
  const wce: unknown = reply.writeConcernError;
  if (wce !== null && typeof wce === 'object' && (wce as Document).code === MAX_TIME_MS_EXPIRED) return true;
  const writeErrors: unknown = reply.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((we: unknown) => we !== null && typeof we === 'object' && (we as Document).code === MAX_TIME_MS_EXPIRED);
}

/** Under timeoutMS, a MaxTimeMSExpired becomes the timeout error (its cause the server's error, labels kept). */
export function asTimeoutError(error: unknown, ctx: TimeoutContext): unknown {
  if (!ctx.csot || error instanceof MongoOperationTimeoutError || !isMaxTimeExpired(error)) return error;
  return timeoutErrorFrom(error, 'the server reported MaxTimeMSExpired');
}

/** The timeout error for an operation whose deadline passed, carrying the last error as its cause. */
export function timeoutErrorFrom(cause: unknown, detail: string): MongoOperationTimeoutError {
  if (cause instanceof MongoOperationTimeoutError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new MongoOperationTimeoutError(`Operation timed out (${detail}): ${reason}`, { cause });
  if (cause instanceof MongoError) for (const label of cause.errorLabels) error.addErrorLabel(label);
  return error;
}
