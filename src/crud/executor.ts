// The one executor: select a server → check out a connection → build → add the
// cross-cutting fields (in one place) → send (monitored) → read the reply, inside a
// retry loop whose state is an explicit object the session hooks can use.
import type { Document } from '../bson.js';
import { TimeoutContext } from '../connection/timeout-context.js';
import { MongoClientClosedError, MongoCompatibilityError, MongoServerError, MongoWriteConcernError } from '../errors.js';
import { newOperationId } from '../monitoring/command-events.js';
import type { CommandEventMap } from '../monitoring/command-events.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import { PRIMARY, readPreferenceDocument, type ReadPreferenceLike, type ServerApiLike } from './concerns.js';
import type { ExecutionContext, Operation } from './operations/operation.js';
import {
  deprioritizeAfter,
  errorToReport,
  rewriteUnsupportedRetryableWrite,
  serverSupportsRetryableWrites,
  shouldRetry,
  type ReportedError,
  type RetryState,
} from './retry-policy.js';
import { sendMonitored, sendUnmonitored } from './send.js';
import { REAUTHENTICATION_REQUIRED, reauthenticationFor } from '../auth/reauthentication.js';
import { isOverloadError, overloadBackoffMS, shouldRetryOverload } from './overload-policy.js';
import { sleep } from '../util/sleep.js';
import { applyTimeoutFields, asTimeoutError, contextFor, timeoutErrorFrom, type MaxTimeMSPolicy } from './csot.js';
import type { ConnectionHandle, OperationTarget, ServerHandle, ServerTypeName, TimeoutContextLike, TopologyTypeName } from './target.js';

/**
 * What the sessions layer plugs in: implicit/explicit sessions, txnNumber, transactions
 * and cluster-time gossip. All optional, so the executor runs without sessions.
 */
export interface SessionHooks {
  /** Once per operation, before the first attempt (e.g. assign state.txnNumber for a retryable write). */
  begin?(operation: Operation<unknown>, state: RetryState): void;
  /** Every attempt, after the other cross-cutting fields: lsid, txnNumber, transaction fields, $clusterTime. */
  decorate?(body: Document, operation: Operation<unknown>, state: RetryState, server: ServerHandle): void;
  /** Every reply body, ok or not (operationTime / $clusterTime gossip). */
  observeReply?(reply: Document, operation: Operation<unknown>, state: RetryState): void;
  /** Every failed attempt (a network error marks the session dirty). */
  attemptFailed?(error: unknown, operation: Operation<unknown>, state: RetryState): void;
  /** Once per operation, after success or final failure. */
  end?(operation: Operation<unknown>, state: RetryState, error: unknown): void;
  /** Inside a transaction, nothing is retried by the executor (but commit/abort) and reads go to the primary. */
  inTransaction?(operation: Operation<unknown>): boolean;
  /** The server a sharded transaction is pinned to (one of this client's ServerHandles), if any. */
  pinnedServer?(operation: Operation<unknown>): unknown;
  /** The connection a load-balanced transaction is pinned to (one of the pinned server's), if any. */
  pinnedConnection?(operation: Operation<unknown>): unknown;
  /**
   * After decoration: whether a load-balanced transaction takes the attempt's connection over
   * (the executor then never checks it in; `release` does, when the transaction unpins).
   */
  adoptConnection?(operation: Operation<unknown>, state: RetryState, connection: ConnectionHandle, release: () => void): boolean;
  /** Ends an implicit session the caller kept (ExecuteOptions.keepSession) once it is done with it. */
  releaseImplicit?(session: unknown): void;
}

export interface ExecutorSettings {
  readonly target: OperationTarget;
  readonly events: EventTarget<CommandEventMap>;
  readonly serverApi?: ServerApiLike;
  readonly retryReads: boolean;
  readonly retryWrites: boolean;
  readonly hooks?: SessionHooks;
  /** Client backpressure: how many times a command shed by an overloaded server is retried (default 2). */
  readonly maxAdaptiveRetries?: number;
  /** The backoff jitter source (tests pin it); default Math.random. */
  readonly random?: () => number;
}

const NEVER_ABORTED = new AbortController().signal;

export interface ExecuteOptions {
  /** For mustUseSameServer operations (getMore, killCursors): the cursor's server. */
  readonly server?: ServerHandle;
  /** A pinned connection (load-balanced cursors); not checked in by the executor. */
  readonly connection?: ConnectionHandle;
  /** Reuse an operationId (getMores of one cursor, batches of one bulk write). */
  readonly operationId?: number;
  readonly signal?: AbortSignal;
  /** The operation's timeout context (CSOT), when the caller built one (else the operation's own). */
  readonly timeout?: TimeoutContextLike;
  /** How maxTimeMS follows the deadline (cursors choose; default 'deadline'). */
  readonly maxTimeMS?: MaxTimeMSPolicy;
  /** Keep the connection checked out (load-balanced cursors) and report it. */
  readonly pinConnection?: boolean;
  /**
   * The caller takes over the operation's implicit session after success (a cursor that
   * stays open runs its getMores in it) and hands it back with Executor.releaseSession.
   */
  readonly keepSession?: boolean;
}

/** An operation's result with the server (and pinned connection) it ran on. */
export interface Executed<T> {
  readonly result: T;
  readonly server: ServerHandle;
  readonly connection: ConnectionHandle | undefined;
  readonly operationId: number;
  /** The session the operation ran in (explicit or implicit), if any. */
  readonly session: unknown;
}


export class Executor {
  private readonly apiFields: Document | undefined;

  constructor(readonly settings: ExecutorSettings) {
    const api = settings.serverApi;
    if (api === undefined) this.apiFields = undefined;
    else {
      const fields: Document = { apiVersion: api.version };
      if (api.strict !== undefined) fields.apiStrict = api.strict;
      if (api.deprecationErrors !== undefined) fields.apiDeprecationErrors = api.deprecationErrors;
      this.apiFields = fields;
    }
  }

  /**
   * This executor with `timeout` as the default context of every operation it runs: the
   * batches of one bulk write share the deadline of the API call (CSOT "Batching").
   */
  withTimeout(timeout: TimeoutContextLike | undefined): Executor {
    if (timeout === undefined) return this;
    const bound = Object.create(this) as Executor;
    bound.executeWithContext = <T>(operation: Operation<T>, options?: ExecuteOptions): Promise<Executed<T>> =>
      this.executeWithContext(operation, { ...options, timeout: options?.timeout ?? timeout });
    return bound;
  }

  async execute<T>(operation: Operation<T>, options?: ExecuteOptions): Promise<T> {
    return (await this.executeWithContext(operation, options)).result;
  }

  async executeWithContext<T>(operation: Operation<T>, options?: ExecuteOptions): Promise<Executed<T>> {
    const target = this.settings.target;
    if (target.closed) throw new MongoClientClosedError(`cannot run ${operation.commandName}: the client is closed`);
    const state: RetryState = {
      attempt: 0,
      lastError: undefined,
      deprioritized: [],
      txnNumber: undefined,
      operationId: options?.operationId ?? newOperationId(),
      server: undefined,
      serverDescription: undefined,
      session: undefined,
      keepSession: options?.keepSession === true,
      commandSent: false,
    };
    const ctx = this.contextOf(operation, options);
    // CSOT "Retryability": with timeoutMS, retry as often as the deadline allows.
    if (ctx.csot) state.retryUntilDeadline = true;
    const hooks = this.settings.hooks;
    hooks?.begin?.(operation, state);
    let finalError: unknown;
    let reported: ReportedError | undefined;
    try {
      for (;;) {
        try {
          return await this.attempt(operation, state, options, ctx);
        } catch (thrown) {
          const error = asTimeoutError(thrown, ctx);
          hooks?.attemptFailed?.(error, operation, state);
          const inTransaction = hooks?.inTransaction?.(operation) ?? false;
          const policyRetry = shouldRetry(operation, state, error, this.settings, inTransaction);
          const overloadRetry = !policyRetry && shouldRetryOverload(operation, error, state.attempt, this.settings);
          rewriteUnsupportedRetryableWrite(error, state);
          reported = this.reportable(operation, reported, error, state);
          if (!policyRetry && !overloadRetry) {
            finalError = reported.error;
            throw finalError;
          }
          if (ctx.doneCause()?.kind === 'deadline') {
            finalError = timeoutErrorFrom(error, 'no time left to retry');
            throw finalError;
          }
          if (state.server !== undefined && deprioritizeAfter(target.topologyType, error)) state.deprioritized.push(state.server);
          state.lastError = error;
          state.attempt += 1;
          state.overloadRetry = overloadRetry;
          if (isOverloadError(error)) await sleep(overloadBackoffMS(error, state.attempt, this.settings.random), options?.signal ?? NEVER_ABORTED, { unref: false });
        }
      }
    } finally {
      hooks?.end?.(operation, state, finalError);
    }
  }

  /**
   * Writes report the latest error that shows a write was attempted (else the first);
   * reads report the latest, unless it says no writes were performed.
   */
  private reportable(operation: Operation<unknown>, reported: ReportedError | undefined, error: unknown, state: RetryState): ReportedError {
    if (operation.capabilities.kind === 'write') return errorToReport(reported, error, state.commandSent);
    return errorToReport(reported, error, true);
  }

  /** Hands back an implicit session kept with ExecuteOptions.keepSession (explicit ones are ignored). */
  releaseSession(session: unknown): void {
    if (session !== undefined) this.settings.hooks?.releaseImplicit?.(session);
  }

  /** The one context of all attempts: the caller's, the operation's deadline, or one from its timeoutMS. */
  private contextOf(operation: Operation<unknown>, options: ExecuteOptions | undefined): TimeoutContextLike {
    if (options?.timeout !== undefined) return options.timeout;
    if (operation.timeoutContext !== undefined && options?.signal === undefined) return operation.timeoutContext;
    if (operation.timeoutMS === undefined && options?.signal === undefined) return TimeoutContext.none();
    return contextFor(operation.timeoutMS, options?.signal);
  }

  private async attempt<T>(operation: Operation<T>, state: RetryState, options: ExecuteOptions | undefined, ctx: TimeoutContextLike): Promise<Executed<T>> {
    state.commandSent = false;
    const server = await this.chooseServer(operation, state, options, ctx);
    if (state.attempt > 0 && state.overloadRetry !== true && operation.capabilities.kind === 'write' && !serverSupportsRetryableWrites(server)) {
      // Retrying is not possible: the previous attempt's error is the one reported.
      throw new MongoCompatibilityError(`the server selected to retry ${operation.commandName} does not support retryable writes`);
    }
    state.server = server;
    state.serverDescription = server.description;
    const hooks = this.settings.hooks;
    const transactionPinned = options?.connection === undefined ? (hooks?.pinnedConnection?.(operation) as ConnectionHandle | undefined) : undefined;
    const pinned = options?.connection ?? transactionPinned;
    const connection = pinned ?? (await server.checkOut(ctx));
    let keep = pinned !== undefined;
    // A connection the transaction holds stays the transaction's, even for a cursor it opens.
    let ownedByTransaction = transactionPinned !== undefined;
    try {
      const context: ExecutionContext = { server, connection };
      const body = operation.buildCommand(context);
      this.decorate(body, operation, state, server);
      if (!keep && hooks?.adoptConnection?.(operation, state, connection, () => server.checkIn(connection)) === true) {
        keep = true;
        ownedByTransaction = true;
        server.markPinned?.(connection, 'transaction');
      }
      // After all blocking work (selection, checkout), so maxTimeMS is what is really left.
      if (ctx.csot) applyTimeoutFields(body, ctx, options?.maxTimeMS ?? 'deadline', minRoundTripTimeOf(server), operation.commandName);
      const sequences = operation.sequences?.(context);
      const events = this.settings.events;
      let reply: Document;
      state.commandSent = true;
      try {
        const send = (): Promise<Document> =>
          events.wants('commandStarted') || events.wants('commandSucceeded') || events.wants('commandFailed')
            ? sendMonitored(events, operation, body, sequences, connection, state.operationId, ctx)
            : sendUnmonitored(operation, body, sequences, connection, ctx);
        reply = await send();
        // The auth spec's reauthentication: on 391, re-run the connection's auth conversation and send once more,
        // whether or not the operation is retryable. Only mechanisms that register a conversation (OIDC) take part.
        const reauthenticate = reply.code === REAUTHENTICATION_REQUIRED ? reauthenticationFor(connection) : undefined;
        if (reauthenticate !== undefined) {
          await reauthenticate();
          reply = await send();
        }
        this.settings.hooks?.observeReply?.(reply, operation, state);
        if (Number(reply.ok) !== 1) throw new MongoServerError(reply);
        if (reply.writeConcernError !== undefined) {
          const error = new MongoWriteConcernError(reply.writeConcernError as Document, reply);
          // An operation that merges write concern errors into its result still has a retryable one retried.
          if (!operation.capabilities.ownsWriteConcernErrors || this.wouldRetry(operation, state, error)) throw error;
        }
      } catch (error) {
        server.handleError?.(error, connection);
        throw error;
      }
      const result = operation.handleReply(reply, context);
      if (options?.pinConnection === true && pinned === undefined && !ownedByTransaction) {
        keep = true;
        server.markPinned?.(connection, 'cursor');
      }
      const handedOver = keep && !ownedByTransaction;
      return { result, server, connection: handedOver ? connection : undefined, operationId: state.operationId, session: state.session };
    } finally {
      if (!keep) server.checkIn(connection);
    }
  }

  /** Whether `error` at this point would be retried (labels it as shouldRetry does). */
  private wouldRetry(operation: Operation<unknown>, state: RetryState, error: unknown): boolean {
    const inTransaction = this.settings.hooks?.inTransaction?.(operation) ?? false;
    return shouldRetry(operation, state, error, this.settings, inTransaction);
  }

  private chooseServer(operation: Operation<unknown>, state: RetryState, options: ExecuteOptions | undefined, ctx: TimeoutContextLike): Promise<ServerHandle> | ServerHandle {
    if (options?.server !== undefined) return options.server;
    const pinned = this.settings.hooks?.pinnedServer?.(operation);
    if (pinned !== undefined) return pinned as ServerHandle;
    const caps = operation.capabilities;
    return this.settings.target.selectServer(
      {
        readPreference: this.readPreferenceOf(operation) ?? PRIMARY,
        operationName: operation.commandName,
        operationId: state.operationId,
        deprioritized: state.deprioritized,
        forWrite: caps.kind === 'write' && !caps.readPreferenceAllowed,
      },
      ctx,
    );
  }

  /** The operation's read preference; a transaction reads only from the primary (the hooks reject any other). */
  private readPreferenceOf(operation: Operation<unknown>): ReadPreferenceLike | undefined {
    if (!operation.capabilities.readPreferenceAllowed) return undefined;
    if (this.settings.hooks?.inTransaction?.(operation) === true) return PRIMARY;
    return operation.readPreference;
  }

  /** The one place cross-cutting fields are added. */
  private decorate(body: Document, operation: Operation<unknown>, state: RetryState, server: ServerHandle): void {
    body.$db = operation.dbName;
    const caps = operation.capabilities;
    if (caps.usesReadConcern && operation.readConcern !== undefined) body.readConcern = operation.readConcern;
    if (caps.usesWriteConcern && operation.writeConcern !== undefined) body.writeConcern = operation.writeConcern;
    if (caps.readPreferenceAllowed || (caps.kind !== 'write' && !caps.mustUseSameServer)) {
      const field = readPreferenceField(this.settings.target.topologyType, server.description.type, this.readPreferenceOf(operation));
      if (field !== undefined) body.$readPreference = field;
    }
    const api = this.apiFields;
    if (api !== undefined) {
      body.apiVersion = api.apiVersion;
      if (api.apiStrict !== undefined) body.apiStrict = api.apiStrict;
      if (api.apiDeprecationErrors !== undefined) body.apiDeprecationErrors = api.apiDeprecationErrors;
    }
    this.settings.hooks?.decorate?.(body, operation, state, server);
  }
}

/** The selected server's minimum RTT (ms) as its description had it at selection; 0 when unknown. */
function minRoundTripTimeOf(server: ServerHandle): number {
  const rtt = server.description.minRoundTripTime;
  return typeof rtt === 'number' && Number.isFinite(rtt) ? rtt : 0;
}

const PRIMARY_PREFERRED_DOC: Readonly<Document> = Object.freeze({ mode: 'primaryPreferred' });

/**
 * `$readPreference` per the server-selection spec (OP_MSG): never to a standalone;
 * on a direct connection to a non-mongos, primary becomes primaryPreferred so any
 * member answers; otherwise only non-primary modes are sent.
 */
export function readPreferenceField(topologyType: TopologyTypeName, serverType: ServerTypeName, readPreference: ReadPreferenceLike | undefined): Document | undefined {
  if (serverType === 'Standalone') return undefined;
  const mode = readPreference?.mode ?? 'primary';
  if (topologyType === 'Single' && serverType !== 'Mongos' && serverType !== 'LoadBalancer') {
    return mode === 'primary' || readPreference === undefined ? PRIMARY_PREFERRED_DOC : readPreferenceDocument(readPreference);
  }
  if (mode === 'primary' || readPreference === undefined) return undefined;
  return readPreferenceDocument(readPreference);
}
