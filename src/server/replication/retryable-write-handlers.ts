// Retryable-write wrappers around the write commands (replica-set mode only).
// A command with lsid + txnNumber runs statement by statement, so each
// executed statement's result can be recorded under its stmtId; a retry of the
// same txnNumber gets recorded results back (and `retriedStmtIds`) and runs only
// the statements that never executed, as mongod does. The onPrimaryTransactionalWrite
// failpoint fires per executed statement: it closes the connection (the write
// stays committed) and/or fails the statement before it commits.
import type { Document } from '../../bson.js';
import { CloseConnectionRequest } from '../close-connection.js';
import { CommandError } from '../command-error.js';
import { isOrdered } from '../commands/data/common.js';
import { numberValue } from '../failpoints/failpoint.js';
import type { FailPointRegistry } from '../failpoints/failpoint-registry.js';
import type { CommandContext, CommandHandler } from '../types.js';
import type { RetryableWriteHistory, StatementResults } from './retryable-write-history.js';

/** The statement array of each per-statement write command. */
const STATEMENT_FIELDS: Readonly<Record<string, string>> = { insert: 'documents', update: 'updates', delete: 'deletes' };

/** stmtIds given explicitly, else `stmtId` (default 0) plus the statement's index. */
export function statementIds(command: Document, count: number): number[] {
  if (Array.isArray(command.stmtIds)) {
    const given = command.stmtIds.map((id) => numberValue(id));
    if (given.length === count && given.every((id) => id !== undefined)) return given as number[];
  }
  const base = numberValue(command.stmtId) ?? 0;
  return Array.from({ length: count }, (_, i) => base + i);
}

const ON_PRIMARY_TRANSACTIONAL_WRITE = 'onPrimaryTransactionalWrite';

/** What onPrimaryTransactionalWrite does to one statement, if it fires. */
interface StatementFault {
  /** End the connection once the command is done (default true, as mongod). */
  readonly closeConnection: boolean;
  /** Fail the statement before its write commits, with this code. */
  readonly failBeforeCommitCode: number | undefined;
}

function statementFault(failpoints: FailPointRegistry | undefined): StatementFault | undefined {
  const data = failpoints?.evaluate(ON_PRIMARY_TRANSACTIONAL_WRITE);
  if (data === undefined) return undefined;
  return { closeConnection: data.closeConnection !== false, failBeforeCommitCode: numberValue(data.failBeforeCommitExceptionCode) };
}

/** Throws for a fault that stops the statement before its write commits. */
function failBeforeCommit(fault: StatementFault | undefined): void {
  if (fault?.failBeforeCommitCode === undefined) return;
  if (fault.closeConnection) throw new CloseConnectionRequest(`${ON_PRIMARY_TRANSACTIONAL_WRITE} failpoint`);
  throw new CommandError(fault.failBeforeCommitCode, 'Failing write for test due to failpoint');
}

interface MergedReply {
  n: number;
  nModified: number;
  upserted: Document[];
  writeErrors: Document[];
  retried: number[];
}

/** Folds one statement's single-statement reply into the command's reply, renumbering indexes. */
function mergeStatement(into: MergedReply, reply: Document, index: number): void {
  into.n += numberValue(reply.n) ?? 0;
  into.nModified += numberValue(reply.nModified) ?? 0;
  if (Array.isArray(reply.upserted)) for (const entry of reply.upserted as Document[]) into.upserted.push({ ...entry, index });
  if (Array.isArray(reply.writeErrors)) for (const entry of reply.writeErrors as Document[]) into.writeErrors.push({ ...entry, index });
}

async function runStatements(
  inner: CommandHandler,
  command: Document,
  context: CommandContext,
  field: string,
  executed: StatementResults,
  failpoints: FailPointRegistry | undefined,
): Promise<Document> {
  const statements = command[field] as unknown[];
  const ids = statementIds(command, statements.length);
  const ordered = isOrdered(command);
  const merged: MergedReply = { n: 0, nModified: 0, upserted: [], writeErrors: [], retried: [] };
  const single: Document = { ...command };
  delete single.stmtIds;
  let closeWhenDone = false;
  for (let index = 0; index < statements.length; index++) {
    if (ordered && merged.writeErrors.length > 0) break;
    const stmtId = ids[index] ?? index;
    const recorded = executed.get(stmtId);
    if (recorded !== undefined) {
      merged.retried.push(stmtId);
      mergeStatement(merged, recorded, index);
      continue;
    }
    const fault = statementFault(failpoints);
    failBeforeCommit(fault);
    closeWhenDone ||= fault?.closeConnection === true;
    const reply = await inner.run({ ...single, [field]: [statements[index]] }, context);
    const failed = Array.isArray(reply.writeErrors) && reply.writeErrors.length > 0;
    // A failed statement did not execute: a retry must run it again.
    if (!failed) executed.record(stmtId, reply);
    mergeStatement(merged, reply, index);
  }
  if (closeWhenDone) throw new CloseConnectionRequest(`${ON_PRIMARY_TRANSACTIONAL_WRITE} failpoint`);
  const reply: Document = { n: merged.n };
  if (command.update !== undefined) reply.nModified = merged.nModified;
  if (merged.upserted.length > 0) reply.upserted = merged.upserted;
  if (merged.writeErrors.length > 0) reply.writeErrors = merged.writeErrors;
  if (merged.retried.length > 0) reply.retriedStmtIds = merged.retried;
  reply.ok = 1;
  return reply;
}

/** Commands that are one statement (findAndModify) or whose reply we replay whole (bulkWrite). */
async function runWhole(
  inner: CommandHandler,
  command: Document,
  context: CommandContext,
  executed: StatementResults,
  failpoints: FailPointRegistry | undefined,
): Promise<Document> {
  const isFindAndModify = inner.name === 'findAndModify';
  // bulkWrite's reply is recorded whole, under its first op's stmtId.
  const opCount = Array.isArray(command.ops) ? command.ops.length : 1;
  const stmtId = isFindAndModify ? (numberValue(command.stmtId) ?? 0) : (statementIds(command, opCount)[0] ?? 0);
  const recorded = executed.get(stmtId);
  if (recorded !== undefined) return isFindAndModify ? { ...recorded, retriedStmtId: stmtId } : { ...recorded };
  const fault = statementFault(failpoints);
  failBeforeCommit(fault);
  const reply = await inner.run(command, context);
  const failed = (numberValue(reply.nErrors) ?? 0) > 0;
  // A copy: the dispatcher adds fields (writeConcernError, $clusterTime) to the reply it sends.
  if (!failed) executed.record(stmtId, { ...reply });
  if (fault?.closeConnection === true) throw new CloseConnectionRequest(`${ON_PRIMARY_TRANSACTIONAL_WRITE} failpoint`);
  return reply;
}

/** `inner` made retryable: commands without lsid + txnNumber pass straight through. */
export function retryableWriteHandler(inner: CommandHandler, history: RetryableWriteHistory, failpoints?: FailPointRegistry): CommandHandler {
  return {
    name: inner.name,
    ...(inner.aliases !== undefined ? { aliases: inner.aliases } : {}),
    ...(inner.observe !== undefined ? { observe: inner.observe.bind(inner) } : {}),
    async run(command, context) {
      // Statements of a transaction (autocommit: false) are not retryable writes.
      const executed = command.autocommit === undefined ? history.statementsFor(command) : undefined;
      if (executed === undefined) return inner.run(command, context);
      const field = STATEMENT_FIELDS[inner.name];
      if (field !== undefined) {
        if (!Array.isArray(command[field]) || command[field].length === 0) return inner.run(command, context);
        return runStatements(inner, command, context, field, executed, failpoints);
      }
      return runWhole(inner, command, context, executed, failpoints);
    },
  };
}

/** The write commands that get retryable-write wrappers. */
export const RETRYABLE_WRITE_COMMANDS = ['insert', 'update', 'delete', 'findAndModify', 'bulkWrite'] as const;
