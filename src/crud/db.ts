// Db: a database's collections, runCommand, DDL and enumeration.
import type { Document } from '../bson.js';
import { MongoInvalidArgumentError } from '../errors.js';
import { Collection, dropCollection, type CollectionOptions } from './collection.js';
import { toReadPreference, type ReadPreferenceLike } from './concerns.js';
import type { TimeoutMode } from './csot.js';
import type { CursorType } from './operations/find.js';
import { AggregationCursor, CommandCursor, ListCollectionsCursor } from './cursors/command-cursor.js';
import type { Executor } from './executor.js';
import { forCursor, forOperation, resolveLevel, type ConcernOptions, type Resolved } from './inheritance.js';
import { AggregateOperation, type AggregateOptions } from './operations/aggregate.js';
import * as commands from './operations/commands.js';

export type DbOptions = ConcernOptions;

export interface RunCommandOptions {
  readPreference?: ReadPreferenceLike | string;
  session?: unknown;
  /** CSOT: the command's timeout (maxTimeMS is derived from it; do not put maxTimeMS in the command too). */
  timeoutMS?: number;
}

/** runCursorCommand: how the cursor asks for more (the opening command is sent as given). */
export interface RunCursorCommandOptions extends RunCommandOptions {
  /** getMore batchSize. */
  batchSize?: number;
  /** getMore maxTimeMS. */
  maxTimeMS?: number;
  /** getMore comment. */
  comment?: unknown;
  /** 'tailable' / 'tailableAwait': an empty batch does not end the cursor. */
  cursorType?: CursorType;
  /** CSOT: how timeoutMS applies to the cursor. */
  timeoutMode?: TimeoutMode;
}

/** Database names the server rejects (enumerate/CRUD naming rules). */
function validateDbName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError('database name must be a non-empty string');
  for (const bad of ['/', '\\', '.', ' ', '"', '$', '\0']) {
    if (name.includes(bad)) throw new MongoInvalidArgumentError(`database name '${name}' must not contain '${bad === '\0' ? '\\0' : bad}'`);
  }
}

export class Db {
  /** @internal */
  readonly level: Resolved;

  constructor(
    /** @internal */
    readonly executor: Executor,
    readonly databaseName: string,
    parent: Resolved,
    options?: DbOptions,
  ) {
    validateDbName(databaseName);
    this.level = resolveLevel(parent, options);
  }

  collection<TSchema extends Document = Document>(name: string, options?: CollectionOptions): Collection<TSchema> {
    if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError('collection name must be a non-empty string');
    return new Collection<TSchema>(this.executor, this.databaseName, name, this.level, options);
  }

  /**
   * Runs `command` as given (run-command spec): no read/write concern is added; the read
   * preference only when given (default primary).
   */
  async command(command: Document, options?: RunCommandOptions): Promise<Document> {
    const inherited = forOperation(this.level, { readPreference: options?.readPreference, session: options?.session, timeoutMS: options?.timeoutMS });
    return this.executor.execute(commands.runCommand(this.databaseName, command, { ...inherited, readPreference: toReadPreference(options?.readPreference) }));
  }

  /**
   * Runs a command that opens a cursor (run-command spec) and iterates it with getMore;
   * like command(), nothing is added to the command but $readPreference when given.
   */
  runCursorCommand<T extends Document = Document>(command: Document, options?: RunCursorCommandOptions): CommandCursor<T> {
    const inherited = forCursor(this.level, { readPreference: options?.readPreference, session: options?.session, timeoutMS: options?.timeoutMS });
    const operation = commands.runCursorCommand(this.databaseName, command, { ...inherited, readPreference: toReadPreference(options?.readPreference) });
    const cursorType = options?.cursorType;
    return new CommandCursor<T>(this.executor, () => operation, {
      batchSize: options?.batchSize,
      maxAwaitTimeMS: options?.maxTimeMS,
      comment: options?.comment,
      tailable: cursorType === 'tailable' || cursorType === 'tailableAwait',
      awaitData: cursorType === 'tailableAwait',
      session: options?.session,
      timeoutMode: options?.timeoutMode,
    });
  }

  async createCollection<TSchema extends Document = Document>(name: string, options?: Document & ConcernOptions & { session?: unknown }): Promise<Collection<TSchema>> {
    if (typeof name !== 'string' || name.length === 0) throw new MongoInvalidArgumentError('collection name must be a non-empty string');
    await this.executor.execute(commands.createCollection(this.databaseName, name, options, forOperation(this.level, options)));
    return this.collection<TSchema>(name);
  }

  async dropCollection(name: string, options?: ConcernOptions & { comment?: unknown; session?: unknown }): Promise<boolean> {
    return dropCollection(this.executor, this.databaseName, name, options, forOperation(this.level, options));
  }

  async dropDatabase(options?: ConcernOptions & { comment?: unknown; session?: unknown }): Promise<boolean> {
    return this.executor.execute(commands.dropDatabase(this.databaseName, options, forOperation(this.level, options)));
  }

  listCollections<T extends Document = Document>(filter: Document = {}, options?: commands.ListCollectionsOptions & ConcernOptions): ListCollectionsCursor<T> {
    const inherited = forCursor(this.level, options);
    return new ListCollectionsCursor<T>(
      this.executor,
      (cursorOptions) => commands.listCollections(this.databaseName, filter, { ...options, batchSize: cursorOptions.batchSize }, inherited),
      { batchSize: options?.batchSize, session: options?.session, timeoutMode: options?.timeoutMode },
    );
  }

  async listCollectionNames(filter: Document = {}, options?: Omit<commands.ListCollectionsOptions, 'nameOnly'>): Promise<string[]> {
    const infos = await this.listCollections(filter, { ...options, nameOnly: true }).toArray();
    return infos.map((info) => String(info.name));
  }

  /** A database-level aggregate (`aggregate: 1`), e.g. $currentOp, $documents. */
  aggregate<T extends Document = Document>(pipeline: Document[] = [], options?: AggregateOptions & ConcernOptions): AggregationCursor<T> {
    const opts = options ?? {};
    const inherited = forCursor(this.level, options);
    return new AggregationCursor<T>(
      this.executor,
      (cursorOptions) => new AggregateOperation(this.databaseName, undefined, pipeline, { ...opts, batchSize: cursorOptions.batchSize }, inherited),
      { batchSize: opts.batchSize, maxAwaitTimeMS: opts.maxAwaitTimeMS, comment: opts.comment, session: opts.session, timeoutMode: opts.timeoutMode },
    );
  }

  /** listDatabases (runs on admin regardless of this database). */
  async listDatabases(options?: commands.ListDatabasesOptions): Promise<commands.ListDatabasesResult> {
    return this.executor.execute(commands.listDatabases(options, forOperation(this.level, options)));
  }
}
