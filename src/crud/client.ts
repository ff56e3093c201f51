// Client: parses the connection string once, owns the operation target (the
// Topology, or the direct single-server target), the executor and the event sink.
import { TimeoutContext } from '../connection/timeout-context.js';
import { parseConnectionString } from '../connection/uri/parse.js';
import type { ClientOptionsInput, ParsedConnectionString } from '../connection/uri/types.js';
import { TypedEventEmitter, type ClientEventMap } from './client-events.js';
import { readConcernDocument, writeConcernDocument } from './concerns.js';
import { Db, type DbOptions } from './db.js';
import { Executor, type SessionHooks } from './executor.js';
import { forOperation, rootLevel, type Resolved } from './inheritance.js';
import * as commands from './operations/commands.js';
import type { OperationTarget } from './target.js';
import { TopologyTarget, type TopologyTargetSource } from './topology-target.js';

/** Builds the client's target from its parsed settings (tests may inject their own). */
export type TargetFactory = (
  settings: ParsedConnectionString,
  events: TypedEventEmitter<ClientEventMap>,
  source: TopologyTargetSource,
) => OperationTarget;

/** The default target: the SDAM Topology (monitors, pools, server selection). */
export const defaultTargetFactory: TargetFactory = (settings, events, source) => new TopologyTarget(settings, events, source);

export interface ClientOptions extends ClientOptionsInput {
  /** How the client reaches the deployment (tests, the Topology); default defaultTargetFactory. */
  targetFactory?: TargetFactory;
  /** Sessions, transactions and cluster-time gossip (provided by the sessions layer). */
  sessionHooks?: SessionHooks;
}

export class Client extends TypedEventEmitter<ClientEventMap> implements AsyncDisposable {
  /** The parsed, validated settings (connection string merged with options). */
  readonly settings: ParsedConnectionString;
  /** @internal */
  readonly target: OperationTarget;
  /** @internal */
  readonly executor: Executor;
  private readonly level: Resolved;
  private closing: Promise<void> | undefined;

  constructor(uri: string, options: ClientOptions = {}) {
    super();
    const { targetFactory, sessionHooks, ...connectionOptions } = options;
    this.settings = parseConnectionString(uri, connectionOptions);
    const s = this.settings;
    this.target = (targetFactory ?? defaultTargetFactory)(s, this, { uri, options: connectionOptions });
    this.executor = new Executor({
      target: this.target,
      events: this,
      serverApi: s.serverApi,
      retryReads: s.retryReads,
      retryWrites: s.retryWrites,
      hooks: sessionHooks,
    });
    this.level = rootLevel(s.readPreference, readConcernDocument(s.readConcern), writeConcernDocument(s.writeConcern));
  }

  /** Optional: operations connect on first use. Resolves once the target is usable. */
  async connect(): Promise<this> {
    await this.target.connect(TimeoutContext.none());
    return this;
  }

  /** A database handle (no I/O). Default: the connection string's database, else "test". */
  db(name?: string, options?: DbOptions): Db {
    return new Db(this.executor, name ?? this.settings.defaultDatabase ?? 'test', this.level, options);
  }

  async listDatabases(options?: commands.ListDatabasesOptions): Promise<commands.ListDatabasesResult> {
    return this.executor.execute(commands.listDatabases(options, forOperation(this.level, options)));
  }

  /** Closes the target (pools, monitors). Idempotent; later operations fail with MongoClientClosedError. */
  close(): Promise<void> {
    this.closing ??= this.target.close();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
