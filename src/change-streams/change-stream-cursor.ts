// The tailable aggregate cursor under a change stream: the crud layer's CommandCursor, which
// reports each reply (postBatchResumeToken, operationTime) and the server it runs on.
import type { Document } from '../bson.js';
import { CommandCursor } from '../crud/cursors/command-cursor.js';
import type { CursorOptions } from '../crud/cursors/abstract-cursor.js';
import type { Executor } from '../crud/executor.js';
import type { CursorResponse } from '../crud/operations/cursor-response.js';
import type { Operation } from '../crud/operations/operation.js';
import type { ServerHandle } from '../crud/target.js';

export interface CursorReplyListener {
  /** `opening`: the reply of the aggregate (not a getMore). */
  onReply(response: CursorResponse, server: ServerHandle, opening: boolean, cursor: ChangeStreamCursor): void;
}

export class ChangeStreamCursor extends CommandCursor<Document> {
  private opened = false;

  constructor(
    executor: Executor,
    open: (cursorOptions: CursorOptions) => Operation<CursorResponse>,
    cursorOptions: CursorOptions,
    private readonly listener: CursorReplyListener,
  ) {
    super(executor, open, { ...cursorOptions, tailable: true });
  }

  /** Servers before 4.4 (wire version 9) reject a comment on getMore (spec: ChangeStreamOptions.comment). */
  omitGetMoreComment(): void {
    this.cursorOptions.comment = undefined;
  }

  protected override onResponse(response: CursorResponse, server: ServerHandle): void {
    const opening = !this.opened;
    this.opened = true;
    this.listener.onReply(response, server, opening, this);
  }
}
