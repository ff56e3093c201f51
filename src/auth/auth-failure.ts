// Authentication failures as the application sees them: the server's refusal
// (its code and codeName kept) prefixed with who failed, where, and how.
import { MongoRuntimeError, MongoServerError } from '../errors.js';

/** `context` reads like 'authentication failed for user "u" on db "d" with mechanism M'. */
export function describeAuthFailure(error: unknown, context: string): unknown {
  if (error instanceof MongoServerError) {
    const wrapped = new MongoServerError({ ...error.reply, errmsg: `${context}: ${error.message}` });
    wrapped.cause = error;
    return wrapped;
  }
  if (error instanceof MongoRuntimeError) return new MongoRuntimeError(`${context}: ${error.message}`, { cause: error });
  return error;
}
