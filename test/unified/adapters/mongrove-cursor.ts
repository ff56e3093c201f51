// Find cursors and command cursors of mongrove as the runner's CursorHandle.
import type { AbstractCursor } from '../../../src/index.js';

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

/** The shared cursor handle (./cursor-handle.ts), under this adapter's name. */
export { DriverCursorHandle as MongroveCursor } from './cursor-handle.js';
