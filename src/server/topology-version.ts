// The server's topologyVersion: a processId chosen at start-up and a counter
// bumped on every state change. Awaitable hellos wait on it (streaming SDAM).
import { Long, ObjectId, type Document } from '../bson.js';

export class TopologyVersion {
  readonly processId = new ObjectId();
  private counter = 0n;
  private readonly waiters = new Set<() => void>();

  toDocument(): Document {
    return { processId: this.processId, counter: Long.fromBigInt(this.counter) };
  }

  /** Records a topology change and wakes every awaitable hello. */
  bump(): void {
    this.counter++;
    for (const wake of [...this.waiters]) wake();
  }

  /** True when a client's topologyVersion is this server's current one. */
  isCurrent(clientVersion: unknown): boolean {
    if (typeof clientVersion !== 'object' || clientVersion === null) return false;
    const { processId, counter } = clientVersion as Document;
    const sameProcess = processId instanceof ObjectId ? processId.equals(this.processId) : false;
    return sameProcess && toBigInt(counter) === this.counter;
  }

  /** Resolves after `ms`, on the next change, or when `signal` aborts, whichever is first. */
  waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function toBigInt(value: unknown): bigint | undefined {
  if (value instanceof Long) return value.toBigInt();
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return undefined;
}
