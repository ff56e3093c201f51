// What a step-down does to the operations in flight on the member (mongod 4.2+): those that need
// the primary (writes, statements of transactions) and began before the step-down are killed with
// InterruptedDueToReplStateChange; reads go on, open cursors stay usable and connections stay
// open. Here an operation "began" when the dispatcher first saw it (the handler's observe hook,
// before failpoints block it or it waits for a transaction's document lock); it is interrupted
// when it would run on a member that stepped down since.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import type { CommandHandler } from '../types.js';
import type { ReplicaSetMembers } from './members.js';
import { needsPrimary } from './secondary-checks.js';

/** The handler as member `index` runs it: interrupted when the member steps down while it waits. */
export function interruptedByStepDown(handler: CommandHandler, members: ReplicaSetMembers, index: number): CommandHandler {
  const arrivals = new WeakMap<Document, number>();
  return {
    ...handler,
    observe(command, context) {
      arrivals.set(command, members.stepDownsOf(index));
      handler.observe?.(command, context);
    },
    run(command, context) {
      const arrivedAfter = arrivals.get(command);
      arrivals.delete(command);
      if (arrivedAfter !== undefined && arrivedAfter !== members.stepDownsOf(index) && needsPrimary(handler.name, command)) {
        throw new CommandError(ErrorCodes.InterruptedDueToReplStateChange, `operation was interrupted because the member stepped down (${handler.name})`);
      }
      return handler.run(command, context);
    },
  };
}
