// A command whose body is known up front and whose reply is read by one function.
// The per-command factories (count, distinct, indexes, DDL, …) build these.
import type { Document } from '../../bson.js';
import type { ReadPreferenceLike } from '../concerns.js';
import type { ExecutionContext, Operation, OperationCapabilities, OperationInheritance } from './operation.js';

export class SimpleCommandOperation<T> implements Operation<T> {
  readonly commandName: string;
  readonly readPreference?: ReadPreferenceLike;
  readonly readConcern?: Document;
  readonly writeConcern?: Document;
  readonly session?: unknown;

  constructor(
    readonly dbName: string,
    readonly capabilities: OperationCapabilities,
    private readonly body: Document,
    private readonly readReply: (reply: Document, context: ExecutionContext) => T,
    inherited: OperationInheritance,
  ) {
    this.commandName = Object.keys(body)[0] ?? '';
    this.readPreference = capabilities.readPreferenceAllowed ? inherited.readPreference : undefined;
    this.readConcern = capabilities.usesReadConcern ? inherited.readConcern : undefined;
    this.writeConcern = capabilities.usesWriteConcern ? inherited.writeConcern : undefined;
    this.session = inherited.session;
  }

  buildCommand(): Document {
    // A fresh shallow copy: the executor appends cross-cutting fields, and a retry must not see the first attempt's.
    return { ...this.body };
  }

  handleReply(reply: Document, context: ExecutionContext): T {
    return this.readReply(reply, context);
  }
}
