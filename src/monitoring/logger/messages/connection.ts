// Connection pool log messages (CMAP spec, "Connection Pool Logging"): component
// "connection", severity "debug". Inputs are structural subsets of the CMAP events,
// so a pool can pass its event objects or build the few fields directly.
import type { Document, ObjectId } from '../../../bson.js';
import type { CheckOutFailedReason, ConnectionClosedReason } from '../../cmap-events.js';
import { loggedFailure } from './failure.js';
import { addressFields, withoutUndefined, type LogMessage, type LoggedFailure, type ServerAddressFields } from './log-message.js';

export const CONNECTION_CLOSED_REASON_TEXT: Readonly<Record<ConnectionClosedReason, string>> = Object.freeze({
  stale: 'Connection became stale because the pool was cleared',
  idle: 'Connection has been available but unused for longer than the configured max idle time',
  error: 'An error occurred while using the connection',
  poolClosed: 'Connection pool was closed',
});

export const CHECKOUT_FAILED_REASON_TEXT: Readonly<Record<CheckOutFailedReason, string>> = Object.freeze({
  timeout: 'Wait queue timeout elapsed without a connection becoming available',
  connectionError: 'An error occurred while trying to establish a new connection',
  poolClosed: 'Connection pool was closed',
});

/** The pool options the "Connection pool created" message reports when the user set them. */
export const POOL_CREATED_OPTION_NAMES = [
  'maxIdleTimeMS',
  'minPoolSize',
  'maxPoolSize',
  'maxConnecting',
  'waitQueueTimeoutMS',
  'waitQueueSize',
  'waitQueueMultiple',
] as const;
export type PoolCreatedOptionName = (typeof POOL_CREATED_OPTION_NAMES)[number];

interface PoolInput {
  readonly address: string;
}

interface ConnectionInput extends PoolInput {
  readonly connectionId: number;
}

type PoolMessage<Text extends string> = LogMessage & ServerAddressFields & { readonly message: Text };
type ConnectionMessage<Text extends string> = PoolMessage<Text> & { readonly driverConnectionId: number };

export type PoolCreatedLogMessage = PoolMessage<'Connection pool created'> & { readonly [K in PoolCreatedOptionName]?: number };
export type PoolReadyLogMessage = PoolMessage<'Connection pool ready'>;
export type PoolClearedLogMessage = PoolMessage<'Connection pool cleared'> & { readonly serviceId?: string };
export type PoolClosedLogMessage = PoolMessage<'Connection pool closed'>;
export type ConnectionCreatedLogMessage = ConnectionMessage<'Connection created'>;
export type ConnectionReadyLogMessage = ConnectionMessage<'Connection ready'> & { readonly durationMS: number };
export type ConnectionClosedLogMessage = ConnectionMessage<'Connection closed'> & {
  readonly reason: string;
  readonly error?: LoggedFailure;
};
export type CheckoutStartedLogMessage = PoolMessage<'Connection checkout started'>;
export type CheckoutFailedLogMessage = PoolMessage<'Connection checkout failed'> & {
  readonly reason: string;
  readonly error?: LoggedFailure;
  readonly durationMS: number;
};
export type CheckedOutLogMessage = ConnectionMessage<'Connection checked out'> & { readonly durationMS: number };
export type CheckedInLogMessage = ConnectionMessage<'Connection checked in'>;

export function poolCreatedMessage(input: PoolInput & { readonly options: Document }): PoolCreatedLogMessage {
  const options: Partial<Record<PoolCreatedOptionName, number>> = {};
  for (const name of POOL_CREATED_OPTION_NAMES) {
    const value: unknown = input.options[name];
    if (typeof value === 'number') options[name] = value;
  }
  return { message: 'Connection pool created', ...addressFields(input.address), ...options };
}

export function poolReadyMessage(input: PoolInput): PoolReadyLogMessage {
  return { message: 'Connection pool ready', ...addressFields(input.address) };
}

export function poolClearedMessage(input: PoolInput & { readonly serviceId?: ObjectId | undefined }): PoolClearedLogMessage {
  return withoutUndefined({
    message: 'Connection pool cleared' as const,
    ...addressFields(input.address),
    serviceId: input.serviceId?.toHexString(),
  });
}

export function poolClosedMessage(input: PoolInput): PoolClosedLogMessage {
  return { message: 'Connection pool closed', ...addressFields(input.address) };
}

export function connectionCreatedMessage(input: ConnectionInput): ConnectionCreatedLogMessage {
  return { message: 'Connection created', ...addressFields(input.address), driverConnectionId: input.connectionId };
}

export function connectionReadyMessage(input: ConnectionInput & { readonly durationMS: number }): ConnectionReadyLogMessage {
  return { message: 'Connection ready', ...addressFields(input.address), driverConnectionId: input.connectionId, durationMS: input.durationMS };
}

export function connectionClosedMessage(
  input: ConnectionInput & { readonly reason: ConnectionClosedReason; readonly error?: unknown },
  maxDocumentLength: number,
): ConnectionClosedLogMessage {
  return withoutUndefined({
    message: 'Connection closed' as const,
    ...addressFields(input.address),
    driverConnectionId: input.connectionId,
    reason: CONNECTION_CLOSED_REASON_TEXT[input.reason],
    error: input.reason === 'error' && input.error !== undefined ? loggedFailure(input.error, maxDocumentLength) : undefined,
  });
}

export function checkoutStartedMessage(input: PoolInput): CheckoutStartedLogMessage {
  return { message: 'Connection checkout started', ...addressFields(input.address) };
}

export function checkoutFailedMessage(
  input: PoolInput & { readonly reason: CheckOutFailedReason; readonly error?: unknown; readonly durationMS: number },
  maxDocumentLength: number,
): CheckoutFailedLogMessage {
  return withoutUndefined({
    message: 'Connection checkout failed' as const,
    ...addressFields(input.address),
    reason: CHECKOUT_FAILED_REASON_TEXT[input.reason],
    error: input.reason === 'connectionError' && input.error !== undefined ? loggedFailure(input.error, maxDocumentLength) : undefined,
    durationMS: input.durationMS,
  });
}

export function checkedOutMessage(input: ConnectionInput & { readonly durationMS: number }): CheckedOutLogMessage {
  return { message: 'Connection checked out', ...addressFields(input.address), driverConnectionId: input.connectionId, durationMS: input.durationMS };
}

export function checkedInMessage(input: ConnectionInput): CheckedInLogMessage {
  return { message: 'Connection checked in', ...addressFields(input.address), driverConnectionId: input.connectionId };
}
