// A command whose body is known up front and whose reply is read by one function.
// The per-command factories (count, distinct, indexes, DDL, …) build these.
import type { Document } from '../../bson.js';
import { BaseOperation, type ExecutionContext, type OperationCapabilities, type OperationInheritance } from './operation.js';

export class SimpleCommandOperation<T> extends BaseOperation<T> {
  readonly commandName: string;

  constructor(
    dbName: string,
    capabilities: OperationCapabilities,
    private readonly body: Document,
    private readonly readReply: (reply: Document, context: ExecutionContext) => T,
    inherited: OperationInheritance,
  ) {
    super(dbName, capabilities, inherited);
    this.commandName = Object.keys(body)[0] ?? '';
  }

  buildCommand(): Document {
    // A fresh shallow copy: the executor appends cross-cutting fields, and a retry must not see the first attempt's.
    return { ...this.body };
  }

  handleReply(reply: Document, context: ExecutionContext): T {
    return this.readReply(reply, context);
  }
}
