// ClientSession.withTransaction (convenient transactions API spec): start, run the
// callback, commit — retrying the whole transaction on TransientTransactionError (with
// exponential backoff and jitter) and the commit on UnknownTransactionCommitResult, until
// 120 seconds have passed.
import { TimeoutContext } from '../connection/timeout-context.js';
import { MongoError, MongoOperationTimeoutError } from '../errors.js';
import { sleep } from '../util/sleep.js';
import type { ClientSession } from './client-session.js';
import { TRANSIENT_TRANSACTION_ERROR, UNKNOWN_TRANSACTION_COMMIT_RESULT, isMaxTimeMSExpired } from './transaction-errors.js';
import type { TransactionOptions } from './transaction.js';

/** Gets the session, which it passes to every operation of the transaction. */
export type WithTransactionCallback<T, TClient = unknown> = (session: ClientSession<TClient>) => Promise<T>;

/** The retry limit when no timeoutMS applies (twice the server's default transaction lifetime). */
export const WITH_TRANSACTION_TIMEOUT_MS = 120_000;
const BACKOFF_INITIAL_MS = 5;
const BACKOFF_MAX_MS = 500;

/** What the loop needs besides the session: a clock and randomness, replaceable in tests. */
export interface WithTransactionEnvironment {
  now(): number;
  random(): number;
  sleep(ms: number): Promise<void>;
}

const NEVER = new AbortController().signal;

const SYSTEM: WithTransactionEnvironment = {
  now: () => performance.now(),
  random: () => Math.random(),
  sleep: (ms) => sleep(ms, NEVER, { unref: false }),
};

function hasLabel(error: unknown, label: string): boolean {
  return error instanceof MongoError && error.hasErrorLabel(label);
}

/** No time is left for another attempt: a timeout error that carries the last error and its labels. */
function timeoutError(last: unknown, limitMS: number = WITH_TRANSACTION_TIMEOUT_MS): unknown {
  if (last instanceof MongoOperationTimeoutError) return last;
  const reason = last instanceof Error ? last.message : String(last);
  const error = new MongoOperationTimeoutError(`withTransaction gave up after ${limitMS} ms of retries: ${reason}`, { cause: last });
  if (last instanceof MongoError) for (const label of last.errorLabels) error.addErrorLabel(label);
  return error;
}

export async function runWithTransaction<T, TClient>(
  session: ClientSession<TClient>,
  callback: WithTransactionCallback<T, TClient>,
  options: TransactionOptions | undefined,
  env: WithTransactionEnvironment = SYSTEM,
  timeoutMS?: number,
): Promise<T> {
  if (timeoutMS === undefined) return runLoop(session, callback, options, env, WITH_TRANSACTION_TIMEOUT_MS, undefined);
  // CSOT: timeoutMS bounds the whole call (0: no limit); the callback's operations read it from the session.
  const deadline = TimeoutContext.create({ timeoutMS });
  const previous = session.timeoutContext;
  session.timeoutContext = deadline;
  try {
    return await runLoop(session, callback, options, env, timeoutMS === 0 ? Infinity : timeoutMS, timeoutMS);
  } finally {
    session.timeoutContext = previous;
  }
}

async function runLoop<T, TClient>(
  session: ClientSession<TClient>,
  callback: WithTransactionCallback<T, TClient>,
  options: TransactionOptions | undefined,
  env: WithTransactionEnvironment,
  limitMS: number,
  timeoutMS: number | undefined,
): Promise<T> {
  const started = env.now();
  const elapsed = (): number => env.now() - started;
  let attempt = 0;
  let lastError: unknown;
  for (;;) {
    if (attempt > 0) {
      const backoff = env.random() * Math.min(BACKOFF_INITIAL_MS * 1.5 ** attempt, BACKOFF_MAX_MS);
      if (elapsed() + backoff >= limitMS) throw timeoutError(lastError, limitMS);
      await env.sleep(backoff);
    }
    session.startTransaction(options);
    attempt += 1;
    let result: T;
    try {
      result = await callback(session);
    } catch (error) {
      lastError = error;
      // The callback's error is the one that matters; abort reports nothing anyway. Under
      // timeoutMS the abort gets the whole timeout afresh (CSOT: the transaction must not be left open).
      if (session.inTransaction()) await session.abortTransaction(timeoutMS === undefined ? undefined : { timeoutMS }).catch(() => undefined);
      if (hasLabel(error, TRANSIENT_TRANSACTION_ERROR)) {
        if (elapsed() < limitMS) continue;
        throw timeoutError(error, limitMS);
      }
      throw error;
    }
    // The callback committed or aborted the transaction itself: its choice stands.
    if (!session.inTransaction()) return result;
    const retryWhole = await commitWithRetries(session, elapsed, limitMS, (error) => (lastError = error));
    if (!retryWhole) return result;
  }
}

/**
 * Commits, retrying while the outcome is unknown. Returns true when the whole transaction
 * should be retried (a TransientTransactionError); throws anything else.
 */
async function commitWithRetries<TClient>(session: ClientSession<TClient>, elapsed: () => number, limitMS: number, record: (error: unknown) => void): Promise<boolean> {
  for (;;) {
    try {
      await session.commitTransaction();
      return false;
    } catch (error) {
      record(error);
      if (!isMaxTimeMSExpired(error) && hasLabel(error, UNKNOWN_TRANSACTION_COMMIT_RESULT)) {
        if (elapsed() >= limitMS) throw timeoutError(error, limitMS);
        continue;
      }
      if (hasLabel(error, TRANSIENT_TRANSACTION_ERROR)) return true;
      throw error;
    }
  }
}
