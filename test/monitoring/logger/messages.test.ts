// Exact field names, texts and omissions of each builder.
import { describe, expect, it } from 'vitest';
import { ObjectId } from '../../../src/bson.js';
import { MongoNetworkError, MongoServerError } from '../../../src/errors.js';
import type { ConnectionClosedEvent, PoolCreatedEvent } from '../../../src/monitoring/cmap-events.js';
import type { CommandStartedEvent } from '../../../src/monitoring/command-events.js';
import {
  addressFields,
  checkoutFailedMessage,
  commandFailedMessage,
  commandStartedMessage,
  commandSucceededMessage,
  connectionClosedMessage,
  heartbeatStartedMessage,
  heartbeatSucceededMessage,
  isRedactedFailure,
  poolClearedMessage,
  poolCreatedMessage,
  serverSelectionStartedMessage,
  topologyDescriptionChangedMessage,
  waitingForSuitableServerMessage,
} from '../../../src/monitoring/logger/index.js';

const base = {
  commandName: 'find',
  databaseName: 'db',
  requestId: 11,
  operationId: 4,
  connectionId: 2,
  serverConnectionId: 900,
  serviceId: undefined,
  address: 'db1.example:27018',
};

describe('addressFields', () => {
  it('splits host and port, defaulting the port and leaving sockets portless', () => {
    expect(addressFields('h:1')).toEqual({ serverHost: 'h', serverPort: 1 });
    expect(addressFields('h')).toEqual({ serverHost: 'h', serverPort: 27017 });
    expect(addressFields('[::1]:27019')).toEqual({ serverHost: '::1', serverPort: 27019 });
    expect(addressFields('[::1]')).toEqual({ serverHost: '::1', serverPort: 27017 });
    expect(addressFields('/tmp/mongodb-27017.sock')).toEqual({ serverHost: '/tmp/mongodb-27017.sock' });
  });
});

describe('command messages', () => {
  it('started: every common field, the command as relaxed extended JSON, no serviceId outside LB', () => {
    const message = commandStartedMessage({ ...base, command: { find: 'c', filter: { n: 1 }, $db: 'db' } }, 1000);
    expect(message).toEqual({
      message: 'Command started',
      commandName: 'find',
      databaseName: 'db',
      requestId: 11,
      operationId: 4,
      driverConnectionId: 2,
      serverHost: 'db1.example',
      serverPort: 27018,
      serverConnectionId: 900,
      command: '{"find":"c","filter":{"n":1},"$db":"db"}',
    });
    expect('serviceId' in message).toBe(false);
  });

  it('omits absent optional fields and a non-numeric connection id; adds serviceId as hex', () => {
    const serviceId = new ObjectId('0123456789abcdef01234567');
    const message = commandStartedMessage(
      { ...base, operationId: undefined, serverConnectionId: undefined, connectionId: 'monitor', serviceId, command: { ping: 1 } },
      1000,
    );
    expect(Object.keys(message).sort()).toEqual(['command', 'commandName', 'databaseName', 'message', 'requestId', 'serverHost', 'serverPort', 'serviceId']);
    expect(message.serviceId).toBe('0123456789abcdef01234567');
  });

  it('truncates the command and reply to the max document length', () => {
    expect(commandStartedMessage({ ...base, command: { hello: true } }, 5).command).toBe('{"hel...');
    expect(commandSucceededMessage({ ...base, durationMS: 1, reply: { ok: 1, isWritablePrimary: true } }, 5).reply).toBe('{"ok"...');
  });

  it('succeeded carries durationMS and the reply', () => {
    const message = commandSucceededMessage({ ...base, durationMS: 2.5, reply: { ok: 1 } }, 1000);
    expect(message.message).toBe('Command succeeded');
    expect(message.durationMS).toBe(2.5);
    expect(message.reply).toBe('{"ok":1}');
  });

  it('failed carries the error with its server details and truncated reply', () => {
    const error = new MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad $or', errorLabels: ['X'] });
    const message = commandFailedMessage({ ...base, durationMS: 3, failure: error }, 12);
    expect(message.message).toBe('Command failed');
    expect(message.failure).toEqual({ errorName: 'MongoServerError', message: 'bad $or', code: 2, codeName: 'BadValue', errorLabels: ['X'], reply: '{"ok":0,"cod...' });
    expect(isRedactedFailure(message.failure)).toBe(false);
  });

  it('sensitive commands: "{}" for command and reply; server failures keep only code, codeName, errorLabels', () => {
    const sasl = { ...base, commandName: 'saslStart' };
    expect(commandStartedMessage({ ...sasl, command: { saslStart: 1, payload: 'secret' } }, 1000).command).toBe('{}');
    expect(commandSucceededMessage({ ...sasl, durationMS: 1, reply: { ok: 1, payload: 'secret' } }, 1000).reply).toBe('{}');
    const serverError = new MongoServerError({ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'user secret failed' });
    const failure = commandFailedMessage({ ...sasl, durationMS: 1, failure: serverError }, 1000).failure;
    expect(failure).toEqual({ code: 18, codeName: 'AuthenticationFailed' });
    expect(isRedactedFailure(failure)).toBe(true);
    // Network errors carry no server data and stay whole (redacted-commands.json "network error … is not redacted").
    const network = commandFailedMessage({ ...sasl, durationMS: 1, failure: new MongoNetworkError('reset') }, 1000).failure;
    expect(network).toEqual({ errorName: 'MongoNetworkError', message: 'reset' });
  });

  it('hello is sensitive only with speculativeAuthenticate', () => {
    const hello = { ...base, commandName: 'hello' };
    expect(commandStartedMessage({ ...hello, command: { hello: 1, speculativeAuthenticate: { saslStart: 1 } } }, 1000).command).toBe('{}');
    expect(commandStartedMessage({ ...hello, command: { hello: 1 } }, 1000).command).toBe('{"hello":1}');
    expect(commandSucceededMessage({ ...hello, durationMS: 1, reply: { ok: 1, speculativeAuthenticate: { payload: 'x' } } }, 1000).reply).toBe('{}');
    expect(commandSucceededMessage({ ...hello, sensitive: true, durationMS: 1, reply: { ok: 1 } }, 1000).reply).toBe('{}');
  });
});

describe('connection messages', () => {
  it('pool created lists only the spec options that were given', () => {
    expect(poolCreatedMessage({ address: 'h:1', options: { maxPoolSize: 5, minPoolSize: 1, appName: 'x', maxIdleTimeMS: 10000 } })).toEqual({
      message: 'Connection pool created',
      serverHost: 'h',
      serverPort: 1,
      maxPoolSize: 5,
      minPoolSize: 1,
      maxIdleTimeMS: 10000,
    });
  });

  it('pool cleared has serviceId only in load-balanced mode', () => {
    expect(poolClearedMessage({ address: 'h:1', serviceId: undefined })).toEqual({ message: 'Connection pool cleared', serverHost: 'h', serverPort: 1 });
    expect(poolClearedMessage({ address: 'h:1', serviceId: new ObjectId('0123456789abcdef01234567') }).serviceId).toBe('0123456789abcdef01234567');
  });

  it('connection closed: the spec reason texts, error only for reason "error"', () => {
    const texts = (['stale', 'idle', 'error', 'poolClosed'] as const).map((reason) =>
      connectionClosedMessage({ address: 'h:1', connectionId: 3, reason, error: new Error('boom') }, 1000),
    );
    expect(texts.map((message) => message.reason)).toEqual([
      'Connection became stale because the pool was cleared',
      'Connection has been available but unused for longer than the configured max idle time',
      'An error occurred while using the connection',
      'Connection pool was closed',
    ]);
    expect(texts.map((message) => message.error !== undefined)).toEqual([false, false, true, false]);
    expect(texts[2]).toMatchObject({ message: 'Connection closed', driverConnectionId: 3, error: { errorName: 'Error', message: 'boom' } });
  });

  it('checkout failed: the spec reason texts, error only for connectionError', () => {
    const messages = (['timeout', 'connectionError', 'poolClosed'] as const).map((reason) =>
      checkoutFailedMessage({ address: 'h:1', reason, durationMS: 9, error: new Error('refused') }, 1000),
    );
    expect(messages.map((message) => message.reason)).toEqual([
      'Wait queue timeout elapsed without a connection becoming available',
      'An error occurred while trying to establish a new connection',
      'Connection pool was closed',
    ]);
    expect(messages.map((message) => 'error' in message)).toEqual([false, true, false]);
    expect(messages[0]).toEqual({ message: 'Connection checkout failed', serverHost: 'h', serverPort: 1, reason: messages[0].reason, durationMS: 9 });
  });
});

describe('topology and server selection messages', () => {
  it('heartbeat started omits an unknown serverConnectionId', () => {
    expect(heartbeatStartedMessage({ topologyId: 7, address: 'h:1', awaited: true, driverConnectionId: 1, serverConnectionId: undefined })).toEqual({
      message: 'Server heartbeat started',
      topologyId: 7,
      serverHost: 'h',
      serverPort: 1,
      awaited: true,
      driverConnectionId: 1,
    });
  });

  it('heartbeat succeeded logs the reply as relaxed extended JSON', () => {
    const message = heartbeatSucceededMessage({ topologyId: 7, address: 'h:1', awaited: false, driverConnectionId: 1, serverConnectionId: 5, durationMS: 4, reply: { ok: 1 } }, 1000);
    expect(message).toMatchObject({ message: 'Server heartbeat succeeded', durationMS: 4, reply: '{"ok":1}', serverConnectionId: 5 });
  });

  it('topology description changed renders Map-based descriptions', () => {
    const message = topologyDescriptionChangedMessage(
      { topologyId: 1, previousDescription: { type: 'Unknown', servers: new Map() }, newDescription: { type: 'Single', servers: new Map([['h:1', { type: 'Standalone' }]]) } },
      1000,
    );
    expect(message.previousDescription).toBe('{"type":"Unknown","servers":{}}');
    expect(message.newDescription).toBe('{"type":"Single","servers":{"h:1":{"type":"Standalone"}}}');
  });

  it('selection started names the selector, operation and topology', () => {
    const message = serverSelectionStartedMessage({ selector: { mode: 'secondary', tags: [{ dc: 'ny' }] }, operation: 'find', operationId: 3, topologyDescription: { type: 'Unknown' } }, 1000);
    expect(message).toEqual({
      message: 'Server selection started',
      selector: '{"mode":"secondary","tags":[{"dc":"ny"}]}',
      operation: 'find',
      operationId: 3,
      topologyDescription: '{"type":"Unknown"}',
    });
    const custom = serverSelectionStartedMessage({ selector: function nearestDc() {}, operation: 'find', topologyDescription: {} }, 1000);
    expect(custom.selector).toBe('custom selector nearestDc');
    expect('operationId' in custom).toBe(false);
  });

  it('waiting rounds remainingTimeMS to an integer and omits it without a timeout', () => {
    const input = { selector: 'primary', operation: 'insert', topologyDescription: {} };
    expect(waitingForSuitableServerMessage({ ...input, remainingTimeMS: 1234.6 }, 1000).remainingTimeMS).toBe(1235);
    expect('remainingTimeMS' in waitingForSuitableServerMessage({ ...input, remainingTimeMS: Infinity }, 1000)).toBe(false);
    expect(waitingForSuitableServerMessage(input, 1000).message).toBe('Waiting for suitable server to become available');
  });
});

describe('monitoring events are valid builder inputs', () => {
  it('command and CMAP event objects can be passed as they are', () => {
    const started: CommandStartedEvent = { ...base, command: { ping: 1 } };
    expect(commandStartedMessage(started, 1000).command).toBe('{"ping":1}');
    const closed: ConnectionClosedEvent = { name: 'connectionClosed', address: 'h:1', connectionId: 1, reason: 'poolClosed', error: undefined };
    expect(connectionClosedMessage(closed, 1000).reason).toBe('Connection pool was closed');
    const created: PoolCreatedEvent = { name: 'connectionPoolCreated', address: 'h:1', options: { maxConnecting: 5 } };
    expect(poolCreatedMessage(created).maxConnecting).toBe(5);
  });
});
