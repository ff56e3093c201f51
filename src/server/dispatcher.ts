// Runs one command: finds its handler, checks the generic arguments, applies
// the failCommand failpoint, runs the handler and shapes the reply. Nothing a
// handler throws escapes: CommandError becomes { ok: 0, ... }, anything else an
// InternalError reply, so one bad command never takes a connection down.
import { Double, type Document } from '../bson.js';
import { sleep } from '../util/sleep.js';
import { CloseConnectionRequest } from './close-connection.js';
import { CommandError } from './command-error.js';
import { namesOf, type CommandRegistry } from './command-registry.js';
import { ErrorCodes } from './error-codes.js';
import { addServerErrorLabels } from './error-labels.js';
import { failCommandAfterRun, failCommandBeforeRun } from './failpoints/fail-command.js';
import type { FailPointRegistry } from './failpoints/failpoint-registry.js';
import { checkCommandSize, checkGenericArguments, maxTimeMSOf } from './generic-arguments.js';
import type { LocalSessionCache } from './local-sessions.js';
import type { ReplicaSetState } from './replication/replica-set.js';
import { checkSecondaryMayRun } from './replication/secondary-checks.js';
import { checkSessionArguments } from './replication/session-arguments.js';
import { runSnapshotRead } from './snapshots/snapshot-read.js';
import { runInSessionTransaction } from './transactions/transaction-statement.js';
import type { CommandContext, CommandHandler, ConnectionInfo, ServerContext } from './types.js';

export interface DispatcherDependencies {
  readonly registry: CommandRegistry;
  readonly failpoints: FailPointRegistry;
  readonly server: ServerContext;
  /** Marks the sessions commands use (for $listLocalSessions); absent in bare unit-test setups. */
  readonly localSessions?: LocalSessionCache;
  /** Called with exceptions that were not CommandErrors (bugs): they become InternalError replies. */
  readonly onInternalError: (error: unknown, commandName: string) => void;
  /** Access control: throws CommandError (Unauthorized) when the connection may not run the command on `dbName`. */
  readonly checkAccess?: (commandName: string, connection: ConnectionInfo, body: Document, dbName: string) => void;
  /** One-member replica-set mode: cluster time on every reply, txnNumber accepted. Absent for a standalone. */
  readonly replication?: ReplicaSetState;
  /** A member of a multi-member replica set: a secondary refuses writes and plain reads, its errors carrying its topologyVersion. */
  readonly member?: { isSecondary(): boolean; topologyVersion(): Document };
}

export interface DispatchRequest {
  readonly body: Document;
  readonly dbName: string;
  readonly connection: ConnectionInfo;
  /** The serialized body's size when known (saves re-measuring). */
  readonly bodyBytes?: number;
  /** Aborted when the connection closes (cuts blockConnection sleeps short). */
  readonly signal: AbortSignal;
}

export type DispatchOutcome = { readonly kind: 'reply'; readonly reply: Document } | { readonly kind: 'closeConnection' };

export class Dispatcher {
  constructor(private readonly deps: DispatcherDependencies) {}

  async dispatch(request: DispatchRequest): Promise<DispatchOutcome> {
    const outcome = await this.dispatchUnstamped(request);
    const replication = this.deps.replication;
    if (replication !== undefined && outcome.kind === 'reply') {
      replication.stampReply(outcome.reply, this.deps.registry.lookup(Object.keys(request.body)[0] ?? '')?.name ?? '');
    }
    return outcome;
  }

  private async dispatchUnstamped(request: DispatchRequest): Promise<DispatchOutcome> {
    const commandName = Object.keys(request.body)[0] ?? '';
    try {
      const handler = this.deps.registry.lookup(commandName);
      if (handler === undefined) throw new CommandError(ErrorCodes.CommandNotFound, `no such command: '${commandName}'`);
      this.deps.checkAccess?.(handler.name, request.connection, request.body, request.dbName);
      checkCommandSize(request.bodyBytes, request.body);
      if (this.deps.member?.isSecondary() === true) checkSecondaryMayRun(handler.name, request.body, this.deps.member.topologyVersion());
      const replication = this.deps.replication;
      checkSessionArguments(handler.name, request.body, replication !== undefined);
      checkGenericArguments(commandName, request.body, { replicaSet: replication !== undefined });
      replication?.clock.observe(request.body.$clusterTime);
      this.deps.localSessions?.touch(request.body.lsid);
      return await this.run(handler, request);
    } catch (error) {
      if (error instanceof CloseConnectionRequest) return { kind: 'closeConnection' };
      return { kind: 'reply', reply: this.errorReply(error, commandName, request.body) };
    }
  }

  private async run(handler: CommandHandler, request: DispatchRequest): Promise<DispatchOutcome> {
    const context: CommandContext = { dbName: request.dbName, server: this.deps.server, connection: request.connection };
    handler.observe?.(request.body, context);
    const target = { names: namesOf(handler), dbName: request.dbName, body: request.body, connection: request.connection };
    const action = failCommandBeforeRun(this.deps.failpoints, target);
    if (action !== undefined) {
      // A getMore's maxTimeMS is an awaitData cursor's wait for new documents, not a time limit (mongod).
      if (action.blockTimeMS > 0) await blockFor(action.blockTimeMS, handler.name === 'getMore' ? 0 : maxTimeMSOf(request.body), request.signal);
      if (action.closeConnection) return { kind: 'closeConnection' };
      if (action.error !== undefined) throw action.error;
    }
    const replication = this.deps.replication;
    const transactions = replication?.transactions;
    const runHandler = async (inContext: CommandContext): Promise<Document> =>
      replication === undefined
        ? handler.run(request.body, inContext)
        : runSnapshotRead(handler.name, request.body, inContext, replication.clock, (asOf) => handler.run(request.body, asOf));
    const reply = withOk(
      transactions === undefined
        ? await runHandler(context)
        : await runInSessionTransaction(transactions, handler.name, request.body, context, runHandler, {
            maxTimeMS: maxTimeMSOf(request.body),
            signal: request.signal,
          }),
    );
    if (isOk(reply)) {
      const writeConcernFailure = failCommandAfterRun(this.deps.failpoints, target);
      if (writeConcernFailure !== undefined) Object.assign(reply, writeConcernFailure);
    }
    addServerErrorLabels(reply, handler.name, request.body);
    return { kind: 'reply', reply };
  }

  private errorReply(error: unknown, commandName: string, body: Document): Document {
    let reply: Document;
    if (error instanceof CommandError) {
      reply = error.toReply();
    } else {
      this.deps.onInternalError(error, commandName);
      const message = error instanceof Error ? error.message : String(error);
      reply = new CommandError(ErrorCodes.InternalError, `internal error running '${commandName}': ${message}`).toReply();
    }
    reply.ok = new Double(0);
    addServerErrorLabels(reply, commandName, body);
    return reply;
  }
}

/** Sleeps for a blockConnection failpoint; a shorter maxTimeMS expires first, as on a real server. */
async function blockFor(blockTimeMS: number, maxTimeMS: number, signal: AbortSignal): Promise<void> {
  const expires = maxTimeMS > 0 && maxTimeMS < blockTimeMS;
  await sleep(expires ? maxTimeMS : blockTimeMS, signal, { unref: false });
  if (expires) throw new CommandError(ErrorCodes.MaxTimeMSExpired, 'operation exceeded time limit');
}

/** mongod replies `ok` as a double, last unless the handler placed it. */
function withOk(reply: Document): Document {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    throw new TypeError(`the handler returned ${reply === null ? 'null' : typeof reply} instead of a reply document`);
  }
  const ok = reply.ok;
  if (ok === undefined) return { ...reply, ok: new Double(1) };
  if (typeof ok === 'number') reply.ok = new Double(ok);
  else if (typeof ok === 'boolean') reply.ok = new Double(ok ? 1 : 0);
  return reply;
}

function isOk(reply: Document): boolean {
  const ok = reply.ok;
  return ok instanceof Double ? ok.value === 1 : ok === 1;
}
