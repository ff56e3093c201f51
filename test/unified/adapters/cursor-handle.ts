// The runner's CursorHandle over any driver's cursor: both adapters' cursors (and the
// official driver's change streams) share next/tryNext/close, so one class serves them.
import { UnsupportedOperationError, type CursorHandle, type OperationArgs } from '../adapter.js';

/** What the cursor operations need from a driver's cursor. */
export interface IterableDriverCursor {
  next(): Promise<unknown>;
  tryNext(): Promise<unknown>;
  close(options?: { timeoutMS?: number }): Promise<void>;
}

export class DriverCursorHandle implements CursorHandle {
  readonly kind = 'cursor';
  constructor(
    readonly cursorType: CursorHandle['cursorType'],
    private readonly driver: IterableDriverCursor,
  ) {}

  async run(name: string, args: OperationArgs): Promise<unknown> {
    switch (name) {
      case 'iterateUntilDocumentOrError':
        return this.driver.next();
      case 'iterateOnce':
        return this.driver.tryNext();
      case 'close':
        // CSOT: close may override the cursor's timeoutMS.
        await this.close(typeof args.timeoutMS === 'number' ? { timeoutMS: args.timeoutMS } : undefined);
        return undefined;
      default:
        throw new UnsupportedOperationError(this.cursorType, name);
    }
  }

  async close(options?: { timeoutMS?: number }): Promise<void> {
    try {
      await (options === undefined ? this.driver.close() : this.driver.close(options));
    } catch {
      // The spec: errors from closing a cursor (killCursors) are suppressed.
    }
  }
}
