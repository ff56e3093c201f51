// mongod's per-session transaction table for retryable writes: the highest
// txnNumber each session has used and, for that txnNumber, the result of every
// statement already executed (by stmtId). A retry finds its statements here and
// gets their results back instead of running them twice.
import { Long, type Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { sessionKey } from '../local-sessions.js';

/** The executed statements of one session's current txnNumber. */
export class StatementResults {
  private readonly results = new Map<number, Document>();

  get(stmtId: number): Document | undefined {
    return this.results.get(stmtId);
  }

  record(stmtId: number, result: Document): void {
    this.results.set(stmtId, result);
  }
}

interface SessionRecord {
  txnNumber: bigint;
  statements: StatementResults;
}

/** The command's txnNumber as a bigint; undefined when it has none or it is not an integer. */
export function txnNumberOf(command: Document): bigint | undefined {
  const raw: unknown = command.txnNumber;
  if (raw instanceof Long) return raw.toBigInt();
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number' && Number.isInteger(raw)) return BigInt(raw);
  if (typeof raw === 'object' && raw !== null && typeof (raw as { valueOf(): unknown }).valueOf() === 'number') {
    const value = (raw as { valueOf(): number }).valueOf();
    return Number.isInteger(value) ? BigInt(value) : undefined;
  }
  return undefined;
}

export class RetryableWriteHistory {
  private readonly sessions = new Map<string, SessionRecord>();

  /**
   * The statement results of the command's (lsid, txnNumber): a new, empty table
   * when txnNumber is higher than any the session used; the existing one when it
   * is the same (a retry); TransactionTooOld when it is lower.
   * Undefined when the command is not a retryable write (no lsid or txnNumber).
   */
  statementsFor(command: Document): StatementResults | undefined {
    const key = sessionKey(command.lsid);
    const txnNumber = txnNumberOf(command);
    if (key === undefined || txnNumber === undefined) return undefined;
    const current = this.sessions.get(key);
    if (current !== undefined && txnNumber < current.txnNumber) {
      throw new CommandError(
        ErrorCodes.TransactionTooOld,
        `Retryable write with txnNumber ${txnNumber} is prohibited on session ${key} because a newer retryable write with txnNumber ${current.txnNumber} has already started on this session.`,
      );
    }
    if (current !== undefined && txnNumber === current.txnNumber) return current.statements;
    const fresh: SessionRecord = { txnNumber, statements: new StatementResults() };
    this.sessions.set(key, fresh);
    return fresh.statements;
  }

  clear(): void {
    this.sessions.clear();
  }
}
