// commitTransaction / abortTransaction (transactions spec, "Server Commands"). The session
// hooks add lsid, txnNumber, autocommit, writeConcern and recoveryToken.
import type { Document } from '../../bson.js';
import { END_TRANSACTION, type Operation } from './operation.js';

export class EndTransactionOperation implements Operation<Document> {
  readonly dbName = 'admin';
  readonly capabilities = END_TRANSACTION;

  constructor(
    readonly commandName: 'commitTransaction' | 'abortTransaction',
    readonly session: unknown,
    /** commitTransaction's maxTimeMS (the transaction's maxCommitTimeMS). */
    private readonly maxTimeMS?: number,
  ) {}

  buildCommand(): Document {
    const body: Document = { [this.commandName]: 1 };
    if (this.maxTimeMS !== undefined && this.commandName === 'commitTransaction') body.maxTimeMS = this.maxTimeMS;
    return body;
  }

  handleReply(reply: Document): Document {
    return reply;
  }
}
