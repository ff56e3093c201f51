// Cursors opened by aggregate, listCollections and listIndexes: the opening
// operation is built by a factory when iteration starts.
import type { Document } from '../../bson.js';
import type { Executor } from '../executor.js';
import type { CursorResponse } from '../operations/cursor-response.js';
import type { Operation } from '../operations/operation.js';
import { AbstractCursor, type CursorOptions } from './abstract-cursor.js';

export class CommandCursor<TSchema = Document> extends AbstractCursor<TSchema> {
  constructor(
    executor: Executor,
    private readonly open: (cursorOptions: CursorOptions) => Operation<CursorResponse>,
    cursorOptions: CursorOptions,
  ) {
    super(executor, cursorOptions);
  }

  protected initialOperation(): Operation<CursorResponse> {
    return this.open(this.cursorOptions);
  }
}

/** The cursor of Collection.aggregate / Db.aggregate. */
export class AggregationCursor<TSchema = Document> extends CommandCursor<TSchema> {}

/** The cursor of Db.listCollections. */
export class ListCollectionsCursor<TSchema = Document> extends CommandCursor<TSchema> {}

/** The cursor of Collection.listIndexes. */
export class ListIndexesCursor<TSchema = Document> extends CommandCursor<TSchema> {}
