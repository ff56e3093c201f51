// Find cursors, command cursors and change streams of the official driver.
import type { AbstractCursor, ChangeStream } from 'mongodb';

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

/** The shared cursor handle (./cursor-handle.ts), under this adapter's name. */
export { DriverCursorHandle as OfficialCursor } from './cursor-handle.js';
