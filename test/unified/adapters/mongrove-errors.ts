// Describes mongrove errors in the runner's DescribedError terms.
import type { Document } from '../../../src/bson.js';
import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  MongoError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoWriteError,
  type ClientBulkWriteResult,
} from '../../../src/index.js';
import type { DescribedError } from '../adapter.js';
import { clientBulkWriteResultDoc } from './mongrove-convert.js';

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A write error / write concern error document as the spec's writeErrors assertions see it. */
function detail(e: { code?: unknown; codeName?: unknown; message?: unknown; errmsg?: unknown; errInfo?: unknown; details?: unknown }): Document {
  const out: Document = { code: e.code, message: e.message ?? e.errmsg };
  if (e.codeName !== undefined) out.codeName = e.codeName;
  if (e.errInfo !== undefined) out.details = e.errInfo;
  return out;
}

function blank(message: string): DescribedError {
  return { message, isClientError: true, isTimeoutError: false, errorLabels: [], nestedMessages: [], nestedCodeNames: [], nestedCodes: [] };
}

function addNested(out: DescribedError, d: Document): void {
  if (typeof d.message === 'string') out.nestedMessages.push(d.message);
  if (typeof d.codeName === 'string') out.nestedCodeNames.push(d.codeName);
  if (typeof d.code === 'number') out.nestedCodes.push(d.code);
}

export function describeMongroveError(error: unknown): DescribedError {
  if (!(error instanceof Error)) return blank(String(error));
  // A bulk write reports the top-level error that stopped it as `cause`; code/message assertions look there.
  const wrapsCause = error instanceof MongoClientBulkWriteError || error instanceof MongoBulkWriteError;
  const top = wrapsCause && error.cause instanceof Error ? error.cause : error;
  const out: DescribedError = {
    ...blank(top.message),
    isClientError: !(top instanceof MongoServerError),
    isTimeoutError: top instanceof MongoOperationTimeoutError,
    code: numberOrUndefined((top as { code?: unknown }).code),
    codeName: stringOrUndefined((top as { codeName?: unknown }).codeName),
    errorLabels: top instanceof MongoError ? top.errorLabels : [],
    errorResponse: top instanceof MongoServerError ? top.reply : undefined,
  };
  if (error instanceof MongoClientBulkWriteError) {
    if (!(error.cause instanceof Error)) out.isClientError = false;
    out.writeErrors = {};
    for (const [index, we] of error.writeErrors) out.writeErrors[String(index)] = detail(we);
    out.writeConcernErrors = error.writeConcernErrors.map(detail);
    out.partialResult = clientBulkWriteResultDoc(error.partialResult as ClientBulkWriteResult | undefined);
    for (const e of [...error.writeErrors.values(), ...error.writeConcernErrors]) addNested(out, detail(e));
  } else if (error instanceof MongoBulkWriteError) {
    for (const we of error.writeErrors) addNested(out, detail(we));
    for (const wce of error.writeConcernErrors) addNested(out, detail(wce));
    out.partialResult = error.result;
  } else if (error instanceof MongoWriteError) {
    addNested(out, detail(error.writeError));
  }
  return out;
}
