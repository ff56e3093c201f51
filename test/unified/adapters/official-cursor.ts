// Find cursors, command cursors and change streams of the official driver.
import type { AbstractCursor, ChangeStream } from 'mongodb';
import { UnsupportedOperationError, type CursorHandle, type OperationArgs } from '../adapter.js';

type DriverCursor = AbstractCursor | ChangeStream;

/**
 * Makes the driver send the cursor-creating command now without consuming a document:
 * the spec requires createFindCursor/createChangeStream to have run `find`/`aggregate`.
 */
export async function initCursor(cursor: DriverCursor): Promise<void> {
  const inner = 'cursorInit' in cursor ? cursor : (cursor as unknown as { cursor?: unknown }).cursor;
  const init = (inner as { cursorInit?: () => Promise<void> } | undefined)?.cursorInit;
  if (typeof init !== 'function') throw new Error('official driver: cursorInit() not found; cannot create the server-side cursor eagerly');
  await init.call(inner);
}

export class OfficialCursor implements CursorHandle {
  readonly kind = 'cursor';
  constructor(
    readonly cursorType: 'findCursor' | 'commandCursor' | 'changeStream',
    private readonly driver: DriverCursor,
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
