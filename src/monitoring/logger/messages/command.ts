// "Command started/succeeded/failed" log messages (command-logging-and-monitoring
// spec, "Log Messages"): component "command", severity "debug". Sensitive commands
// log "{}" for the command and reply and a redacted failure.
import type { Document, ObjectId } from '../../../bson.js';
import { isSensitiveCommand } from '../../command-events.js';
import { stringifyDocument } from '../stringify.js';
import { loggedFailure, redactedFailure } from './failure.js';
import { addressFields, withoutUndefined, type LogMessage, type LoggedFailure } from './log-message.js';

/** What a command message says about where the command ran (a subset of CommandEventBase). */
export interface CommandLogInput {
  readonly commandName: string;
  readonly databaseName: string;
  readonly requestId: number;
  readonly operationId?: number | undefined;
  /** The driver's (CMAP) connection id; a non-numeric id is left out. */
  readonly connectionId: number | string;
  readonly serverConnectionId?: number | undefined;
  readonly serviceId?: ObjectId | undefined;
  /** "host:port". */
  readonly address: string;
  /**
   * Set when the caller already knows the command is sensitive (e.g. a hello carrying
   * speculativeAuthenticate, whose reply alone does not show it).
   */
  readonly sensitive?: boolean;
}

export interface CommandStartedLogInput extends CommandLogInput {
  readonly command: Document;
}

export interface CommandSucceededLogInput extends CommandLogInput {
  readonly durationMS: number;
  readonly reply: Document;
}

export interface CommandFailedLogInput extends CommandLogInput {
  readonly durationMS: number;
  readonly failure: unknown;
}

interface CommandCommonFields {
  readonly commandName: string;
  readonly databaseName: string;
  readonly requestId: number;
  readonly operationId?: number;
  readonly driverConnectionId?: number;
  readonly serverHost: string;
  readonly serverPort?: number;
  readonly serverConnectionId?: number;
  readonly serviceId?: string;
}

export interface CommandStartedLogMessage extends LogMessage, CommandCommonFields {
  readonly message: 'Command started';
  readonly command: string;
}

export interface CommandSucceededLogMessage extends LogMessage, CommandCommonFields {
  readonly message: 'Command succeeded';
  readonly durationMS: number;
  readonly reply: string;
}

export interface CommandFailedLogMessage extends LogMessage, CommandCommonFields {
  readonly message: 'Command failed';
  readonly durationMS: number;
  readonly failure: LoggedFailure;
}

const REDACTED_DOCUMENT = '{}';

export function commandStartedMessage(input: CommandStartedLogInput, maxDocumentLength: number): CommandStartedLogMessage {
  const sensitive = input.sensitive === true || isSensitiveCommand(input.commandName, input.command);
  return {
    message: 'Command started',
    ...commonFields(input),
    command: sensitive ? REDACTED_DOCUMENT : stringifyDocument(input.command, maxDocumentLength),
  };
}

export function commandSucceededMessage(input: CommandSucceededLogInput, maxDocumentLength: number): CommandSucceededLogMessage {
  // A hello's reply to speculative authentication carries the same marker as its command.
  const sensitive = input.sensitive === true || isSensitiveCommand(input.commandName, input.reply);
  return {
    message: 'Command succeeded',
    ...commonFields(input),
    durationMS: input.durationMS,
    reply: sensitive ? REDACTED_DOCUMENT : stringifyDocument(input.reply, maxDocumentLength),
  };
}

export function commandFailedMessage(input: CommandFailedLogInput, maxDocumentLength: number): CommandFailedLogMessage {
  const sensitive = input.sensitive === true || isSensitiveCommand(input.commandName, undefined);
  return {
    message: 'Command failed',
    ...commonFields(input),
    durationMS: input.durationMS,
    failure: sensitive ? redactedFailure(input.failure, maxDocumentLength) : loggedFailure(input.failure, maxDocumentLength),
  };
}

function commonFields(input: CommandLogInput): CommandCommonFields {
  return withoutUndefined({
    commandName: input.commandName,
    databaseName: input.databaseName,
    requestId: input.requestId,
    operationId: input.operationId,
    driverConnectionId: typeof input.connectionId === 'number' ? input.connectionId : undefined,
    ...addressFields(input.address),
    serverConnectionId: input.serverConnectionId,
    serviceId: input.serviceId?.toHexString(),
  });
}
