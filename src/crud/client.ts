// Client: parses the connection string once, owns the operation target (the
// Topology, or the direct single-server target), the executor and the event sink.
import { TimeoutContext } from '../connection/timeout-context.js';
import { parseConnectionString } from '../connection/uri/parse.js';
import type { ClientOptionsInput, DriverInfo, ParsedConnectionString } from '../connection/uri/types.js';
import { MongoAPIError, MongoClientClosedError } from '../errors.js';
import { MongoLogger, type MongoLoggerClientOptions } from '../monitoring/logger/index.js';
import { ClientSessions, type ClientSession, type SessionOptions } from '../sessions/index.js';
import { runClientBulkWrite, type ClientBulkWriteOptions } from './bulk/client-bulk-writer.js';
import type { ClientBulkWriteModel } from './bulk/client-bulk-models.js';
import type { ClientBulkWriteResult } from './bulk/client-bulk-result.js';
import { TypedEventEmitter, type ClientEventMap } from './client-events.js';
import { attachClientLogging } from './client-logging.js';
import { readConcernDocument, writeConcernDocument } from './concerns.js';
import { Db, type DbOptions } from './db.js';
import { Executor, type SessionHooks } from './executor.js';
import { forOperation, rootLevel, type ConcernOptions, type Resolved } from './inheritance.js';
import * as commands from './operations/commands.js';
import { RUN_COMMAND } from './operations/operation.js';
import { SimpleCommandOperation } from './operations/simple-command.js';
import type { OperationTarget } from './target.js';
import { TopologyTarget, type TopologyTargetSource } from './topology-target.js';
import { runTransactionCommand, transactionDefaultsOf } from './transaction-commands.js';

/** Builds the client's target from its parsed settings (tests may inject their own). */
export type TargetFactory = (
  settings: ParsedConnectionString,
  events: TypedEventEmitter<ClientEventMap>,
  source: TopologyTargetSource,
) => OperationTarget;

/** The default target: the SDAM Topology (monitors, pools, server selection). */
export const defaultTargetFactory: TargetFactory = (settings, events, source) => new TopologyTarget(settings, events, source);

export interface ClientOptions extends ClientOptionsInput, MongoLoggerClientOptions {
  /** How the client reaches the deployment (tests, the Topology); default defaultTargetFactory. */
  targetFactory?: TargetFactory;
  /** Replaces the sessions layer's hooks (lsid, $clusterTime, causal consistency); tests only. */
  sessionHooks?: SessionHooks;
}

const PRIMARY_PREFERRED = Object.freeze({ mode: 'primaryPreferred' as const });

export class Client extends TypedEventEmitter<ClientEventMap> implements AsyncDisposable {
  /** The parsed, validated settings (connection string merged with options). */
  readonly settings: ParsedConnectionString;
  /** @internal */
  readonly target: OperationTarget;
  /** @internal */
  readonly executor: Executor;
  /** @internal The structured logger (MONGODB_LOG_* variables, overridden by the mongodbLog* options). */
  readonly logger: MongoLogger;
  /** @internal The server session pool, cluster time and session hooks. */
  readonly sessions: ClientSessions<Client>;
  /** @internal The client-level concerns (change streams inherit them). */
  readonly level: Resolved;
  private readonly detachLogging: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(uri: string, options: ClientOptions = {}) {
    super();
    const { targetFactory, sessionHooks, mongodbLogPath, mongodbLogComponentSeverities, mongodbLogMaxDocumentLength, ...connectionOptions } = options;
    this.settings = parseConnectionString(uri, connectionOptions);
    const s = this.settings;
    this.logger = MongoLogger.fromEnvironment(process.env, { mongodbLogPath, mongodbLogComponentSeverities, mongodbLogMaxDocumentLength });
    // The URI options spec ignores invalid or unknown options with a warning instead of failing.
    for (const warning of [...s.warnings, ...this.logger.warnings]) process.emitWarning(`mongrove: ${warning}`, 'MongroveWarning');
    // Subscribed before the target exists, so its first events (topology opening) are logged.
    this.detachLogging = this.logger.enabled ? attachClientLogging(this, this.logger) : undefined;
    const logger = this.logger.enabled ? this.logger : undefined;
    this.target = (targetFactory ?? defaultTargetFactory)(s, this, { uri, options: connectionOptions, logger });
    this.level = rootLevel(s.readPreference, readConcernDocument(s.readConcern), writeConcernDocument(s.writeConcern), s.timeoutMS);
    this.sessions = new ClientSessions<Client>({
      target: this.target,
      client: this,
      retryWrites: s.retryWrites,
      transactionDefaults: transactionDefaultsOf(this.level),
      runTransactionCommand: (session, command, timeout) => runTransactionCommand(this.executor, session, command, timeout),
      timeoutMS: s.timeoutMS,
    });
    this.executor = new Executor({
      target: this.target,
      events: this,
      serverApi: s.serverApi,
      retryReads: s.retryReads,
      retryWrites: s.retryWrites,
      maxAdaptiveRetries: s.maxAdaptiveRetries,
      hooks: sessionHooks ?? this.sessions,
    });
  }

  /** Optional: operations connect on first use. Resolves once the target is usable. */
  async connect(): Promise<this> {
    await this.target.connect(TimeoutContext.none());
    return this;
  }

  /**
   * Starts an explicit session: pass it as `{ session }` to operations, end it with
   * endSession() (or `await using`). Session support is checked on first use.
   * Causally consistent by default; reads after unacknowledged writes are not.
   * A server session idle for more than (logicalSessionTimeoutMinutes − 1) minutes may be
   * discarded by the server, so do not keep an unused session for long.
   */
  startSession(options?: SessionOptions): ClientSession<Client> {
    if (this.closing !== undefined) throw new MongoClientClosedError('cannot start a session: the client is closed');
    return this.sessions.startSession(options);
  }

  /**
   * Adds a wrapping library's name, version and platform to the handshake metadata of the
   * connections made from now on (mongodb-handshake); open connections are left as they are.
   */
  appendMetadata(info: DriverInfo): void {
    if (this.target.appendMetadata === undefined) throw new MongoAPIError('this client\'s target has no handshake metadata to append to');
    this.target.appendMetadata(info);
  }

  /** A database handle (no I/O). Default: the connection string's database, else "test". */
  db(name?: string, options?: DbOptions): Db {
    return new Db(this.executor, name ?? this.settings.defaultDatabase ?? 'test', this.level, options);
  }

  async listDatabases(options?: commands.ListDatabasesOptions): Promise<commands.ListDatabasesResult> {
    return this.executor.execute(commands.listDatabases(options, forOperation(this.level, options)));
  }

  /**
   * Inserts, updates and deletes across namespaces with MongoDB 8.0's `bulkWrite` command
   * (as few round trips as the server's limits allow). Throws MongoClientBulkWriteError
   * for write errors and write concern errors (with what succeeded as partialResult),
   * MongoInvalidArgumentError for bad models or options.
   */
  async bulkWrite(models: readonly ClientBulkWriteModel[], options?: ClientBulkWriteOptions & Pick<ConcernOptions, 'writeConcern' | 'timeoutMS'>): Promise<ClientBulkWriteResult> {
    const inherited = forOperation(this.level, options);
    return runClientBulkWrite(this.executor.withTimeout(inherited.timeoutContext), models, options, inherited);
  }

  /** Closes the target (pools, monitors). Idempotent; later operations fail with MongoClientClosedError. */
  close(): Promise<void> {
    this.closing ??= this.closeTarget();
    return this.closing;
  }

  private async closeTarget(): Promise<void> {
    try {
      await this.endPooledSessions();
      await this.target.close();
    } finally {
      // After the target, so the closing messages (pools, topology) are still logged.
      this.detachLogging?.();
      this.logger.close();
    }
  }

  /** endSessions for every pooled server session (driver-sessions spec); errors are ignored. */
  private async endPooledSessions(): Promise<void> {
    const batches = this.sessions.drainForEndSessions();
    if (batches.length === 0 || this.target.closed || !this.sessions.supportsSessions()) return;
    for (const ids of batches) {
      const op = new SimpleCommandOperation('admin', RUN_COMMAND, { endSessions: ids }, () => undefined, { readPreference: PRIMARY_PREFERRED });
      await this.executor.execute(op).catch(() => undefined);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
