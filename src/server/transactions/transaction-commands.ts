// commitTransaction and abortTransaction (replica-set mode). Both take a
// writeConcern; this one-member set cannot satisfy w greater than 1 or a named
// mode other than majority, and reports that as mongod does: the transaction is
// still committed (or aborted) and the reply carries a writeConcernError.
import type { Document } from '../../bson.js';
import { requireAdminDatabase } from '../commands/admin/admin-only.js';
import { numberValue } from '../failpoints/failpoint.js';
import type { CommandHandler } from '../types.js';
import { coordinatesOf } from './transaction-arguments.js';
import type { TransactionTable } from './transaction-table.js';

/** The writeConcernError a one-member replica set reports for `writeConcern`, if any. */
export function unsatisfiableWriteConcern(writeConcern: unknown): Document | undefined {
  if (typeof writeConcern !== 'object' || writeConcern === null) return undefined;
  const w: unknown = (writeConcern as Document).w;
  if (typeof w === 'string' && w !== 'majority') {
    return { code: 79, codeName: 'UnknownReplWriteConcern', errmsg: `No write concern mode named '${w}' found in replica set configuration` };
  }
  const members = numberValue(w);
  if (typeof w !== 'string' && members !== undefined && members > 1) {
    return { code: 100, codeName: 'UnsatisfiableWriteConcern', errmsg: 'Not enough data-bearing nodes' };
  }
  return undefined;
}

function withWriteConcernOutcome(command: Document): Document {
  const writeConcernError = unsatisfiableWriteConcern(command.writeConcern);
  return writeConcernError === undefined ? { ok: 1 } : { writeConcernError, ok: 1 };
}

export function transactionCommands(table: TransactionTable): CommandHandler[] {
  return [
    {
      name: 'commitTransaction',
      run(command, context) {
        requireAdminDatabase('commitTransaction', context);
        table.commit(coordinatesOf(command));
        return withWriteConcernOutcome(command);
      },
    },
    {
      name: 'abortTransaction',
      run(command, context) {
        requireAdminDatabase('abortTransaction', context);
        table.abort(coordinatesOf(command));
        return withWriteConcernOutcome(command);
      },
    },
  ];
}
