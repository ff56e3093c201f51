// The `failCommand` failpoint, read the way a real mongod reads it:
// - it applies to a command when one of `failCommands` is the command's name or
//   one of its aliases (failing "isMaster" also fails "hello"), the optional
//   `appName` equals the connection's handshake appName, and the optional
//   `namespace` equals the command's namespace; configureFailPoint is never failed;
// - before the command runs it fires only if the data asks for a failure there
//   (closeConnection, errorCode, blockConnection); after a successful command it
//   fires separately for `writeConcernError`. Only firings count against
//   `times`/`skip`, so a failpoint scoped to another command or appName is not used up;
// - blockConnection sleeps blockTimeMS first, then closeConnection closes the
//   socket without a reply, else errorCode fails the command with
//   "Failing command via 'failCommand' failpoint" and the given errorLabels.
// `failInternalCommands` is accepted and ignored: this server has no internal clients.
import type { Document } from '../../bson.js';
import type { ConnectionInfo } from '../types.js';
import { CommandError } from '../command-error.js';
import { ErrorCodes } from '../error-codes.js';
import { numberValue } from './failpoint.js';
import type { FailPointRegistry } from './failpoint-registry.js';
import { isDocument } from '../../util/is-document.js';

export const FAIL_COMMAND = 'failCommand';
export const FAIL_GET_MORE_AFTER_CURSOR_CHECKOUT = 'failGetMoreAfterCursorCheckout';

/** The command being dispatched, as the failpoint sees it. */
export interface FailCommandTarget {
  /** The handler's name and aliases. */
  readonly names: readonly string[];
  readonly dbName: string;
  readonly body: Document;
  readonly connection: ConnectionInfo;
}

export interface FailCommandAction {
  blockTimeMS: number;
  closeConnection: boolean;
  error: CommandError | undefined;
}

export function failCommandBeforeRun(failpoints: FailPointRegistry, target: FailCommandTarget): FailCommandAction | undefined {
  const data = failpoints.evaluate(
    FAIL_COMMAND,
    (candidate) => appliesTo(candidate, target) && ('closeConnection' in candidate || 'errorCode' in candidate || 'blockConnection' in candidate),
  );
  if (data === undefined) return undefined;
  const blockTimeMS = data.blockConnection === true ? Math.max(0, numberValue(data.blockTimeMS) ?? 0) : 0;
  const errorCode = numberValue(data.errorCode);
  const labels = stringArray(data.errorLabels);
  const error =
    errorCode === undefined
      ? undefined
      : new CommandError(errorCode, "Failing command via 'failCommand' failpoint", labels === undefined ? {} : { errorLabels: labels });
  return { blockTimeMS, closeConnection: data.closeConnection === true, error };
}

/** The reply fields a `writeConcernError` failCommand adds to a successful reply, if it fires. */
export function failCommandAfterRun(failpoints: FailPointRegistry, target: FailCommandTarget): Document | undefined {
  const data = failpoints.evaluate(FAIL_COMMAND, (candidate) => appliesTo(candidate, target) && isDocument(candidate.writeConcernError));
  if (data === undefined || !isDocument(data.writeConcernError)) return undefined;
  // mongod appends the given document as is (no codeName or errmsg added): drivers and the spec
  // tests see exactly what the test configured, e.g. { code: 91 }.
  const writeConcernError: Document = { ...data.writeConcernError };
  const labels = stringArray(data.errorLabels);
  return labels === undefined ? { writeConcernError } : { writeConcernError, errorLabels: labels };
}

/** getMore's own failpoint: fails a getMore once the cursor has been found. */
export function failGetMoreAfterCheckout(failpoints: FailPointRegistry): CommandError | undefined {
  const data = failpoints.evaluate(FAIL_GET_MORE_AFTER_CURSOR_CHECKOUT);
  if (data === undefined) return undefined;
  const code = numberValue(data.errorCode) ?? ErrorCodes.InternalError;
  return new CommandError(code, "Failing command via 'failGetMoreAfterCursorCheckout' failpoint");
}

function appliesTo(data: Document, target: FailCommandTarget): boolean {
  if (target.names.includes('configureFailPoint')) return false;
  const failCommands = stringArray(data.failCommands) ?? [];
  if (!failCommands.some((name) => target.names.includes(name))) return false;
  if (typeof data.appName === 'string' && data.appName !== target.connection.appName) return false;
  if (typeof data.namespace === 'string' && data.namespace !== namespaceOf(target)) return false;
  return true;
}

function namespaceOf(target: FailCommandTarget): string {
  const first = Object.keys(target.body)[0];
  const value = first === undefined ? undefined : target.body[first];
  return typeof value === 'string' ? `${target.dbName}.${value}` : `${target.dbName}.$cmd`;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

