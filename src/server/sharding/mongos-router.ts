// One mongos of the simulated sharded cluster. Each router is a server node of its own (its own
// port, command table, cursors, failpoints and topologyVersion, as separate mongos processes
// have) over the engine all routers share (data, sessions, transactions, cluster time: the
// shards and config servers behind real mongoses). What a router adds to its node's commands:
//  - every successful reply to a statement of a transaction carries a recoveryToken
//    (transactions spec, "recoveryToken field");
//  - a later statement of a transaction reaching a router that did not start it fails as on a
//    mongos without router state (NoSuchTransaction): what makes a driver's pinning observable;
//  - commitTransaction / abortTransaction on a router that ran none of the transaction's
//    statements behave as on a mongos without router state (see transaction-routing.ts).
import type { Document } from '../../bson.js';
import type { RouterState } from '../server-runtime.js';
import { coordinatesOf, endsTransaction, isTransactionStatement } from '../transactions/transaction-arguments.js';
import type { CommandHandler } from '../types.js';
import { RECOVERY_SHARD_ID, type TransactionRouting } from './transaction-routing.js';

export class MongosRouter implements RouterState {
  constructor(
    readonly name: string,
    private readonly routing: TransactionRouting,
  ) {}

  route(inner: CommandHandler): CommandHandler {
    const { routing, name: router } = this;
    return {
      ...inner,
      // Before failpoints and before the engine sees the statement, as mongos checks its router
      // state first: the engine's transaction is left as it was.
      observe(command, context) {
        if (isContinuingStatement(inner.name, command)) routing.continueOn(coordinatesOf(command), router);
        inner.observe?.(command, context);
      },
      async run(command, context) {
        if (!isTransactionStatement(command) || command.txnNumber === undefined) return inner.run(command, context);
        const at = coordinatesOf(command);
        if (endsTransaction(inner.name)) {
          if (!routing.participated(at, router)) routing.endOnAnotherRouter(inner.name, command, at);
          return inner.run(command, context);
        }
        if (command.startTransaction === true) routing.record(at, router);
        const reply = await inner.run(command, context);
        return withRecoveryToken(reply);
      },
    };
  }
}

/** A statement of a transaction after its first (commit and abort excepted). */
function isContinuingStatement(commandName: string, command: Document): boolean {
  return isTransactionStatement(command) && command.txnNumber !== undefined && command.startTransaction !== true && !endsTransaction(commandName);
}

function withRecoveryToken(reply: Document): Document {
  const ok: unknown = reply.ok;
  if (ok !== 0 && ok !== false) reply.recoveryToken = { recoveryShardId: RECOVERY_SHARD_ID };
  return reply;
}
