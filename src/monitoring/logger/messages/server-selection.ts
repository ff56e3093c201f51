// Server selection log messages (server-selection spec, "Logging"): component
// "serverSelection"; "Waiting for suitable server to become available" is "info",
// the others "debug". The selector and topology description are logged as strings.
import { stringifyValue } from '../stringify.js';
import { loggedFailure } from './failure.js';
import { addressFields, withoutUndefined, type LogMessage, type LoggedFailure, type ServerAddressFields } from './log-message.js';

export interface ServerSelectionLogInput {
  /** A read preference (or any description of it), or an application-provided function. */
  readonly selector: unknown;
  /** The command name the server is selected for. */
  readonly operation: string;
  readonly operationId?: number | undefined;
  /** The topology description at the time of the message. */
  readonly topologyDescription: unknown;
}

interface SelectionCommonFields {
  readonly selector: string;
  readonly operation: string;
  readonly operationId?: number;
  readonly topologyDescription: string;
}

type SelectionMessage<Text extends string> = LogMessage & SelectionCommonFields & { readonly message: Text };

export type ServerSelectionStartedLogMessage = SelectionMessage<'Server selection started'>;
export type ServerSelectionSucceededLogMessage = SelectionMessage<'Server selection succeeded'> & ServerAddressFields;
export type ServerSelectionFailedLogMessage = SelectionMessage<'Server selection failed'> & { readonly failure: LoggedFailure };
export type WaitingForSuitableServerLogMessage = SelectionMessage<'Waiting for suitable server to become available'> & {
  readonly remainingTimeMS?: number;
};

export function serverSelectionStartedMessage(input: ServerSelectionLogInput, maxDocumentLength: number): ServerSelectionStartedLogMessage {
  return { message: 'Server selection started' as const, ...commonFields(input, maxDocumentLength) };
}

export function serverSelectionSucceededMessage(
  input: ServerSelectionLogInput & { readonly address: string },
  maxDocumentLength: number,
): ServerSelectionSucceededLogMessage {
  return { message: 'Server selection succeeded' as const, ...commonFields(input, maxDocumentLength), ...addressFields(input.address) };
}

export function serverSelectionFailedMessage(
  input: ServerSelectionLogInput & { readonly failure: unknown },
  maxDocumentLength: number,
): ServerSelectionFailedLogMessage {
  return {
    message: 'Server selection failed' as const,
    ...commonFields(input, maxDocumentLength),
    failure: loggedFailure(input.failure, maxDocumentLength),
  };
}

/** Logged once per operation, the first time selection has to wait. */
export function waitingForSuitableServerMessage(
  input: ServerSelectionLogInput & { readonly remainingTimeMS?: number | undefined },
  maxDocumentLength: number,
): WaitingForSuitableServerLogMessage {
  const remaining = input.remainingTimeMS;
  return withoutUndefined({
    message: 'Waiting for suitable server to become available' as const,
    ...commonFields(input, maxDocumentLength),
    // The spec types it as an integer; a timer's fractional remainder would log as a double.
    remainingTimeMS: remaining === undefined || !Number.isFinite(remaining) ? undefined : Math.max(0, Math.round(remaining)),
  });
}

function commonFields(input: ServerSelectionLogInput, maxDocumentLength: number): SelectionCommonFields {
  return withoutUndefined({
    selector: selectorText(input.selector, maxDocumentLength),
    operation: input.operation,
    operationId: input.operationId,
    topologyDescription: stringifyValue(input.topologyDescription, maxDocumentLength),
  });
}

function selectorText(selector: unknown, maxDocumentLength: number): string {
  if (typeof selector === 'function') return `custom selector ${selector.name || '(anonymous)'}`;
  if (typeof selector === 'string') return selector;
  return stringifyValue(selector, maxDocumentLength);
}
