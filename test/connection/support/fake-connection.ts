// A connection that does no I/O, for driving the pool in unit tests (CMAP allows mocks).
import type { ObjectId } from '../../../src/bson.js';
import type { ConnectionFactory, ConnectionRequest, PoolableConnection } from '../../../src/connection/pool/options.js';

export class FakeConnection implements PoolableConnection {
  generation = 0;
  closed = false;
  destroyedWith: Error | undefined;
  constructor(
    readonly id: number,
    readonly serviceId: ObjectId | undefined = undefined,
  ) {}

  destroy(error?: Error): void {
    this.closed = true;
    this.destroyedWith ??= error;
  }
}

export interface FakeFactoryOptions {
  /** Establishment takes this long (ms); 0 = resolves on the next microtask. */
  delayMS?: number;
  /** Makes establishment fail for these connection ids. */
  failIds?: ReadonlySet<number>;
  serviceId?: () => ObjectId | undefined;
}

export function fakeFactory(options: FakeFactoryOptions = {}): ConnectionFactory<FakeConnection> & { requests: ConnectionRequest[] } {
  const requests: ConnectionRequest[] = [];
  const factory = async (request: ConnectionRequest): Promise<FakeConnection> => {
    requests.push(request);
    if (options.delayMS !== undefined && options.delayMS > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.delayMS);
        request.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted'));
        });
      });
    } else {
      await Promise.resolve();
    }
    if (options.failIds?.has(request.id) === true) throw new Error(`fake establishment of connection ${request.id} failed`);
    return new FakeConnection(request.id, options.serviceId?.());
  };
  return Object.assign(factory, { requests });
}
