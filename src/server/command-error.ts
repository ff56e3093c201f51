// A command failure as the server reports it: { ok: 0, errmsg, code, codeName, ... }.
// Handlers throw it; the dispatcher turns it into the reply document.
import type { Document } from '../bson.js';
import { codeNameOf } from './error-codes.js';

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  /** Extra reply fields (keyPattern/keyValue for E11000, errInfo, errorLabels, …). */
  readonly extra: Document;

  constructor(code: number, message: string, extra: Document = {}) {
    super(message);
    this.code = code;
    this.codeName = codeNameOf(code);
    this.extra = extra;
  }

  override get name(): string {
    return 'CommandError';
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}
