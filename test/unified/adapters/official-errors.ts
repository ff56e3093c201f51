// Describes official-driver errors in the runner's DescribedError terms.
import { MongoBulkWriteError, MongoClientBulkWriteError, MongoError, MongoOperationTimeoutError, MongoServerError } from 'mongodb';
import type { Document } from '../../../src/bson.js';
import type { DescribedError } from '../adapter.js';
import { bulkWriteResultDoc, clientBulkWriteResultDoc } from './official-convert.js';

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function detail(e: unknown): Document {
  const d = e as { code?: unknown; message?: unknown; errmsg?: unknown; details?: unknown; errInfo?: unknown; codeName?: unknown };
  const out: Document = { code: d.code, message: d.message ?? d.errmsg };
  if (d.details !== undefined) out.details = d.details;
  else if (d.errInfo !== undefined) out.details = d.errInfo;
  if (d.codeName !== undefined) out.codeName = d.codeName;
  return out;
}

export function describeOfficialError(error: unknown): DescribedError {
  if (!(error instanceof Error)) {
    return { message: String(error), isClientError: true, isTimeoutError: false, errorLabels: [], nestedMessages: [], nestedCodeNames: [], nestedCodes: [] };
  }
  // A client bulk write reports its top-level error as `cause`; assertions on code/message look there.
  const top = error instanceof MongoClientBulkWriteError && error.cause instanceof Error ? error.cause : error;
  const out: DescribedError = {
    message: top.message,
    isClientError: !(top instanceof MongoServerError),
    isTimeoutError: top instanceof MongoOperationTimeoutError,
    code: numberOrUndefined((top as { code?: unknown }).code),
    codeName: stringOrUndefined((top as { codeName?: unknown }).codeName),
    errorLabels: top instanceof MongoError ? top.errorLabels : [],
    errorResponse: top instanceof MongoServerError ? (top.errorResponse as Document) : undefined,
    nestedMessages: [],
    nestedCodeNames: [],
    nestedCodes: [],
  };
  if (error instanceof MongoClientBulkWriteError) {
    if (!(error.cause instanceof Error)) out.isClientError = false;
    out.writeErrors = {};
    for (const [index, we] of error.writeErrors) out.writeErrors[String(index)] = detail(we);
    out.writeConcernErrors = error.writeConcernErrors.map(detail);
    out.partialResult = clientBulkWriteResultDoc(error.partialResult);
    for (const e of [...error.writeErrors.values(), ...error.writeConcernErrors]) {
      const d = detail(e);
      if (typeof d.message === 'string') out.nestedMessages.push(d.message);
    }
  } else if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    for (const we of writeErrors) {
      const d = detail(we);
      if (typeof d.message === 'string') out.nestedMessages.push(d.message);
      if (typeof d.codeName === 'string') out.nestedCodeNames.push(d.codeName);
      if (typeof d.code === 'number') out.nestedCodes.push(d.code);
    }
    const wce = error.result?.getWriteConcernError();
    if (wce) {
      out.nestedMessages.push(wce.errmsg ?? '');
      if (typeof wce.code === 'number') out.nestedCodes.push(wce.code);
    }
    if (error.result) out.partialResult = bulkWriteResultDoc(error.result);
  }
  return out;
}
