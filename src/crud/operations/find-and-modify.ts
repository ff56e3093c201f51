// findOneAndUpdate / findOneAndReplace / findOneAndDelete: the findAndModify command.
import type { Document } from '../../bson.js';
import { isUnacknowledged } from '../concerns.js';
import { BaseOperation, WRITE, setIfDefined, type OperationInheritance } from './operation.js';

export interface FindOneAndModifyOptions {
  projection?: Document;
  sort?: Document;
  upsert?: boolean;
  returnDocument?: 'before' | 'after';
  arrayFilters?: Document[];
  collation?: Document;
  hint?: Document | string;
  maxTimeMS?: number;
  bypassDocumentValidation?: boolean;
  comment?: unknown;
  let?: Document;
  /** Return the whole { value, lastErrorObject, ok } reply instead of the document. */
  includeResultMetadata?: boolean;
  session?: unknown;
}

export type FindAndModifyKind = 'update' | 'replace' | 'delete';

export class FindAndModifyOperation extends BaseOperation<Document | null> {
  readonly commandName = 'findAndModify';

  constructor(
    dbName: string,
    readonly collectionName: string,
    readonly filter: Document,
    readonly kind: FindAndModifyKind,
    readonly update: Document | Document[] | undefined,
    readonly options: FindOneAndModifyOptions,
    inherited: OperationInheritance,
  ) {
    super(dbName, WRITE, inherited);
  }

  buildCommand(): Document {
    const o = this.options;
    const body: Document = { findAndModify: this.collectionName, query: this.filter };
    setIfDefined(body, 'sort', o.sort);
    if (this.kind === 'delete') body.remove = true;
    else {
      body.update = this.update;
      body.new = o.returnDocument === 'after';
      if (o.upsert === true) body.upsert = true;
    }
    setIfDefined(body, 'fields', o.projection);
    setIfDefined(body, 'arrayFilters', o.arrayFilters);
    setIfDefined(body, 'collation', o.collation);
    setIfDefined(body, 'hint', o.hint);
    setIfDefined(body, 'maxTimeMS', o.maxTimeMS);
    setIfDefined(body, 'bypassDocumentValidation', o.bypassDocumentValidation);
    setIfDefined(body, 'comment', o.comment);
    setIfDefined(body, 'let', o.let);
    return body;
  }

  handleReply(reply: Document): Document | null {
    // w: 0 promises no acknowledgement (a driver sending moreToCome gets no reply at all), so the result is null whatever the server sent.
    if (isUnacknowledged(this.writeConcern)) return null;
    if (this.options.includeResultMetadata === true) return reply;
    const value: unknown = reply.value;
    return typeof value === 'object' && value !== null ? (value as Document) : null;
  }
}
