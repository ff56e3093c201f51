// The cursor returned by Collection.find: options can be chained until iteration starts.
import type { Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';
import { validateTimeoutMS } from '../csot.js';
import type { Executor } from '../executor.js';
import type { CursorResponse } from '../operations/cursor-response.js';
import { FindOperation, type FindOptions } from '../operations/find.js';
import type { Operation, OperationInheritance } from '../operations/operation.js';
import { SimpleCommandOperation } from '../operations/simple-command.js';
import { READ } from '../operations/operation.js';
import { AbstractCursor } from './abstract-cursor.js';

export type ExplainVerbosity = 'queryPlanner' | 'queryPlannerExtended' | 'executionStats' | 'allPlansExecution';

export interface ExplainOptions {
  /** CSOT: the explain command's own timeout (default: the cursor's timeoutMS). */
  timeoutMS?: number;
}

export class FindCursor<TSchema = Document> extends AbstractCursor<TSchema> {
  constructor(
    executor: Executor,
    private readonly dbName: string,
    private readonly collectionName: string,
    private findFilter: Document,
    private readonly findOptions: FindOptions,
    private readonly inherited: OperationInheritance,
  ) {
    super(executor, {
      batchSize: findOptions.batchSize,
      limit: findOptions.limit,
      maxAwaitTimeMS: findOptions.cursorType === 'tailableAwait' ? findOptions.maxAwaitTimeMS : undefined,
      comment: findOptions.comment,
      tailable: findOptions.cursorType === 'tailable' || findOptions.cursorType === 'tailableAwait',
      awaitData: findOptions.cursorType === 'tailableAwait',
      session: inherited.session,
      timeoutMode: findOptions.timeoutMode,
    });
  }

  protected initialOperation(): Operation<CursorResponse> {
    const options = this.findOptions;
    if (this.cursorOptions.batchSize !== undefined) options.batchSize = this.cursorOptions.batchSize;
    return new FindOperation(this.dbName, this.collectionName, this.findFilter, options, this.inherited);
  }

  filter(filter: Document): this {
    this.assertNotStarted('filter');
    this.findFilter = filter;
    return this;
  }

  sort(sort: Document): this {
    this.assertNotStarted('sort');
    this.findOptions.sort = sort;
    return this;
  }

  project<U = Document>(projection: Document): FindCursor<U> {
    this.assertNotStarted('project');
    this.findOptions.projection = projection;
    return this as unknown as FindCursor<U>;
  }

  limit(limit: number): this {
    this.assertNotStarted('limit');
    if (!Number.isInteger(limit)) throw new MongoInvalidArgumentError(`limit must be an integer, got ${String(limit)}`);
    this.findOptions.limit = limit;
    this.cursorOptions.limit = limit;
    return this;
  }

  skip(skip: number): this {
    this.assertNotStarted('skip');
    if (!Number.isInteger(skip) || skip < 0) throw new MongoInvalidArgumentError(`skip must be a non-negative integer, got ${String(skip)}`);
    this.findOptions.skip = skip;
    return this;
  }

  hint(hint: Document | string): this {
    this.assertNotStarted('hint');
    this.findOptions.hint = hint;
    return this;
  }

  comment(comment: unknown): this {
    this.assertNotStarted('comment');
    this.findOptions.comment = comment;
    this.cursorOptions.comment = comment;
    return this;
  }

  maxTimeMS(ms: number): this {
    this.assertNotStarted('maxTimeMS');
    this.findOptions.maxTimeMS = ms;
    return this;
  }

  collation(collation: Document): this {
    this.assertNotStarted('collation');
    this.findOptions.collation = collation;
    return this;
  }

  /**
   * Runs the query plan instead of the query: { explain: find, verbosity }. CSOT ("Explain"):
   * `options.timeoutMS`, else the cursor's, bounds the explain command, which then carries
   * maxTimeMS (what is left of it less the minimum round trip time).
   */
  async explain(verbosity: ExplainVerbosity = 'queryPlanner', options: ExplainOptions = {}): Promise<Document> {
    const timeoutMS = validateTimeoutMS(options.timeoutMS, 'explain');
    const find = new FindOperation(this.dbName, this.collectionName, this.findFilter, this.findOptions, this.inherited).buildCommand();
    const timing = timeoutMS !== undefined ? { timeoutMS } : { timeoutMS: this.inherited.timeoutMS, timeoutContext: this.inherited.timeoutContext };
    const op = new SimpleCommandOperation(this.dbName, READ, { explain: find, verbosity }, (reply) => reply, {
      readPreference: this.inherited.readPreference,
      session: this.inherited.session,
      ...timing,
    });
    return this.executor.execute(op);
  }
}
