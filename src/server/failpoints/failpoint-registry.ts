// All failpoints of one server, by name. Any name may be configured (the
// server-side parts that honour a failpoint ask for it by name), so a test that
// sets a failpoint we do not implement gets ok:1 and simply no injected failure.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { FailPoint, parseFailPointMode } from './failpoint.js';

export class FailPointRegistry {
  private readonly points = new Map<string, FailPoint>();

  constructor(private readonly random: () => number = Math.random) {}

  get(name: string): FailPoint {
    let point = this.points.get(name);
    if (point === undefined) {
      point = new FailPoint(name, this.random);
      this.points.set(name, point);
    }
    return point;
  }

  /** Fires the named failpoint if it is on and `applies` accepts its data. */
  evaluate(name: string, applies?: (data: Document) => boolean): Document | undefined {
    const point = this.points.get(name);
    return point === undefined ? undefined : point.evaluate(applies);
  }

  /** Applies a configureFailPoint command; returns the reply's `count`. */
  configure(command: Document): number {
    const name = command.configureFailPoint;
    if (typeof name !== 'string' || name.length === 0) {
      throw new CommandError(ErrorCodes.TypeMismatch, "'configureFailPoint' must name a failpoint (a non-empty string)");
    }
    const mode = parseFailPointMode(command.mode);
    const data = command.data ?? {};
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new CommandError(ErrorCodes.TypeMismatch, "the 'data' field must be a BSON object");
    }
    return this.get(name).configure(mode, data as Document);
  }

  /** Turns every failpoint off (server shutdown, test reset). */
  reset(): void {
    this.points.clear();
  }
}
