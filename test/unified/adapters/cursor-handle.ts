// The runner's CursorHandle over any driver's cursor: both adapters' cursors (and the
// official driver's change streams) share next/tryNext/close, so one class serves them.
import { UnsupportedOperationError, type CursorHandle, type OperationArgs } from '../adapter.js';

/** What the cursor operations need from a driver's cursor. */
export interface IterableDriverCursor {
  next(): Promise<unknown>;
  tryNext(): Promise<unknown>;
  close(): Promise<void>;
}

export class DriverCursorHandle implements CursorHandle {
  readonly kind = 'cursor';
  constructor(
    readonly cursorType: CursorHandle['cursorType'],
    private readonly driver: IterableDriverCursor,
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
