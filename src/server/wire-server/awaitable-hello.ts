// Streaming SDAM support. A hello carrying topologyVersion and maxAwaitTimeMS
// is "awaitable": when the client already knows our current topologyVersion
// the reply waits until it changes or maxAwaitTimeMS passes. With the request's
// exhaustAllowed bit, each reply is flagged moreToCome and the next one follows
// after the next wait, without another request, until the connection closes.
import type { Document } from '../../bson.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { numberValue } from '../failpoints/failpoint.js';

const HELLO_NAMES = new Set(['hello', 'isMaster', 'ismaster']);

/** maxAwaitTimeMS when `body` is an awaitable hello, undefined when it is not. */
export function awaitableHelloWait(commandName: string, body: Document): number | undefined {
  if (!HELLO_NAMES.has(commandName)) return undefined;
  const hasVersion = body.topologyVersion !== undefined;
  const hasWait = body.maxAwaitTimeMS !== undefined;
  if (!hasVersion && !hasWait) return undefined;
  if (!hasVersion || !hasWait) {
    throw new CommandError(ErrorCodes.BadValue, "An awaitable hello needs both 'topologyVersion' and 'maxAwaitTimeMS'");
  }
  const wait = numberValue(body.maxAwaitTimeMS);
  if (wait === undefined || !Number.isInteger(wait) || wait < 0) {
    throw new CommandError(ErrorCodes.BadValue, "'maxAwaitTimeMS' must be a non-negative integer");
  }
  if (typeof body.topologyVersion !== 'object' || body.topologyVersion === null) {
    throw new CommandError(ErrorCodes.TypeMismatch, "'topologyVersion' must be a document { processId, counter }");
  }
  return wait;
}
