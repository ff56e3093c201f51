// mongrove's Client authenticates each connection as it opens, so an authentication failure
// surfaces on the first operation: this is how auth tests observe it.
import type { Client } from '../../src/index.js';

/** What a ping through `client` rejects with, or undefined when it succeeds. */
export function firstOperationError(client: Client): Promise<unknown> {
  return client
    .db('admin')
    .command({ ping: 1 })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}
