// Find cursors and command cursors of mongrove as the runner's CursorHandle.
import type { AbstractCursor } from '../../../src/index.js';
import { UnsupportedOperationError, type CursorHandle, type OperationArgs } from '../adapter.js';

/**
 * Makes the cursor send its opening command now without handing out a document: the
 * spec requires createFindCursor/createCommandCursor to have run `find`/`aggregate`.
 * mongrove's cursors open lazily and expose no public "open" step, so this reaches
 * the cursor's own first fetch (what next() would run) and fails loudly if it moved.
 */
export async function openCursor(cursor: AbstractCursor): Promise<void> {
  const fetchMore = (cursor as unknown as { fetchMore?: () => Promise<void> }).fetchMore;
  if (typeof fetchMore !== 'function') throw new Error('mongrove cursor: fetchMore() not found; cannot open the server-side cursor eagerly');
  await fetchMore.call(cursor);
}

export class MongroveCursor implements CursorHandle {
  readonly kind = 'cursor';
  constructor(
    readonly cursorType: 'findCursor' | 'commandCursor',
    private readonly driver: AbstractCursor,
  ) {}

  async run(name: string, _args: OperationArgs): Promise<unknown> {
    switch (name) {
      case 'iterateUntilDocumentOrError':
        return this.driver.next();
      case 'iterateOnce':
        return this.driver.tryNext();
      case 'close':
        await this.close();
        return undefined;
      default:
        throw new UnsupportedOperationError(this.cursorType, name);
    }
  }

  async close(): Promise<void> {
    try {
      await this.driver.close();
    } catch {
      // The spec: errors from closing a cursor (killCursors) are suppressed.
    }
  }
}
