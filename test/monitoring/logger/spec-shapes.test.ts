// Every log message the spec's unified logging tests expect (command, connection,
// topology, serverSelection) is built by our builders from a plausible event and
// matched with the unified matcher: message text, level, component, field names and types.
import { describe, expect, it } from 'vitest';
import { EJSON, ObjectId, type Document } from '../../../src/bson.js';
import { MongoNetworkError, MongoServerError } from '../../../src/errors.js';
import { isSensitiveCommand } from '../../../src/monitoring/command-events.js';
import {
  CHECKOUT_FAILED_REASON_TEXT,
  CONNECTION_CLOSED_REASON_TEXT,
  checkedInMessage,
  checkedOutMessage,
  checkoutFailedMessage,
  checkoutStartedMessage,
  commandFailedMessage,
  commandStartedMessage,
  commandSucceededMessage,
  connectionClosedMessage,
  connectionCreatedMessage,
  connectionReadyMessage,
  heartbeatFailedMessage,
  heartbeatStartedMessage,
  heartbeatSucceededMessage,
  poolClearedMessage,
  poolClosedMessage,
  poolCreatedMessage,
  poolReadyMessage,
  serverClosedMessage,
  serverOpeningMessage,
  serverSelectionFailedMessage,
  serverSelectionStartedMessage,
  serverSelectionSucceededMessage,
  topologyClosedMessage,
  topologyDescriptionChangedMessage,
  topologyOpeningMessage,
  waitingForSuitableServerMessage,
  type LogComponent,
  type LogMessage,
  type LogSeverity,
} from '../../../src/monitoring/logger/index.js';
import { ReadPreference } from '../../../src/concerns/read-preference.js';
import { specFiles } from '../../support/specs-dir.js';
import { assertMatches } from '../../unified/matcher.js';

interface ExpectedMessage {
  level: string;
  component: string;
  failureIsRedacted?: boolean;
  data: Document;
}

interface SpecTest {
  description: string;
  operations?: Array<{ name: string; arguments?: Document }>;
  expectLogMessages?: Array<{ messages: ExpectedMessage[]; ignoreMessages?: ExpectedMessage[] }>;
}

interface Built {
  component: LogComponent;
  severity: LogSeverity;
  message: LogMessage;
}

const MAX = 10_000;
const ADDRESS = 'localhost:27017';

/** A literal (non-operator) string/number field of the expectation, if any. */
function literal(data: Document, key: string): unknown {
  const value: unknown = data[key];
  return typeof value === 'object' && value !== null ? undefined : value;
}

/** The document a $$matchAsDocument/$$matchAsRoot expectation describes, or undefined. */
function describedDocument(data: Document, key: string): Document | undefined {
  const value: unknown = data[key];
  if (typeof value !== 'object' || value === null || !('$$matchAsDocument' in value)) return undefined;
  const inner = (value as Document).$$matchAsDocument as Document;
  return ('$$matchAsRoot' in inner ? inner.$$matchAsRoot : inner) as Document;
}

/** The command a runCommand operation of the test sent under this name, if any. */
function runCommandBody(test: SpecTest, commandName: string): Document | undefined {
  for (const op of test.operations ?? []) {
    const command = op.arguments?.command as Document | undefined;
    if (op.name === 'runCommand' && command !== undefined && Object.keys(command)[0] === commandName) return command;
  }
  return undefined;
}

function commandInput(data: Document, test: SpecTest) {
  const commandName = String(literal(data, 'commandName'));
  const databaseName = String(literal(data, 'databaseName') ?? 'logging-tests');
  const sent = runCommandBody(test, commandName);
  const command = sent !== undefined ? { ...sent, $db: databaseName } : (describedDocument(data, 'command') ?? { [commandName]: 1, $db: databaseName });
  return {
    commandName,
    databaseName,
    requestId: 17,
    operationId: 5,
    connectionId: 3,
    serverConnectionId: 42,
    serviceId: typeof data.serviceId === 'object' && data.serviceId !== null && '$$type' in data.serviceId ? new ObjectId() : undefined,
    address: ADDRESS,
    command,
    // What the executor computes from the command it sent (a hello's speculativeAuthenticate).
    sensitive: isSensitiveCommand(commandName, command),
  };
}

function commandReply(data: Document, commandName: string): Document {
  const described = describedDocument(data, 'reply');
  if (described !== undefined && Object.keys(described).length > 0) return described;
  // A sensitive command's reply carries secrets the log must not show.
  return { ok: 1, [commandName]: true, payload: 'c2VjcmV0' };
}

function failureFor(test: SpecTest): Error {
  if (/network error/i.test(test.description)) return new MongoNetworkError('connection reset by peer');
  return new MongoServerError({ ok: 0, code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed for user secret-user' });
}

const topology = { type: 'ReplicaSetNoPrimary', servers: new Map([[ADDRESS, { address: ADDRESS, type: 'Unknown' }]]) };

function selectionInput(data: Document) {
  return {
    selector: new ReadPreference('primary'),
    operation: String(literal(data, 'operation')),
    operationId: 9,
    topologyDescription: topology,
  };
}

const heartbeat = { topologyId: 1, address: ADDRESS, awaited: false, driverConnectionId: 2, serverConnectionId: 40 };

const BUILDERS: Record<string, (data: Document, test: SpecTest) => Built> = {
  'Command started': (data, test) => ({ component: 'command', severity: 'debug', message: commandStartedMessage(commandInput(data, test), MAX) }),
  'Command succeeded': (data, test) => {
    const input = commandInput(data, test);
    return { component: 'command', severity: 'debug', message: commandSucceededMessage({ ...input, durationMS: 1.25, reply: commandReply(data, input.commandName) }, MAX) };
  },
  'Command failed': (data, test) => ({
    component: 'command',
    severity: 'debug',
    message: commandFailedMessage({ ...commandInput(data, test), durationMS: 3, failure: failureFor(test) }, MAX),
  }),
  'Connection pool created': (data) => {
    const options: Document = {};
    for (const key of Object.keys(data)) if (typeof data[key] === 'number') options[key] = data[key];
    return { component: 'connection', severity: 'debug', message: poolCreatedMessage({ address: ADDRESS, options }) };
  },
  'Connection pool ready': () => ({ component: 'connection', severity: 'debug', message: poolReadyMessage({ address: ADDRESS }) }),
  'Connection pool cleared': () => ({ component: 'connection', severity: 'debug', message: poolClearedMessage({ address: ADDRESS, serviceId: undefined }) }),
  'Connection pool closed': () => ({ component: 'connection', severity: 'debug', message: poolClosedMessage({ address: ADDRESS }) }),
  'Connection created': () => ({ component: 'connection', severity: 'debug', message: connectionCreatedMessage({ address: ADDRESS, connectionId: 1 }) }),
  'Connection ready': () => ({ component: 'connection', severity: 'debug', message: connectionReadyMessage({ address: ADDRESS, connectionId: 1, durationMS: 4.5 }) }),
  'Connection closed': (data) => {
    const reason = (Object.keys(CONNECTION_CLOSED_REASON_TEXT) as Array<keyof typeof CONNECTION_CLOSED_REASON_TEXT>).find((key) => CONNECTION_CLOSED_REASON_TEXT[key] === data.reason);
    if (reason === undefined) throw new Error(`no closed reason has the text ${String(data.reason)}`);
    return { component: 'connection', severity: 'debug', message: connectionClosedMessage({ address: ADDRESS, connectionId: 1, reason, error: new MongoNetworkError('closed') }, MAX) };
  },
  'Connection checkout started': () => ({ component: 'connection', severity: 'debug', message: checkoutStartedMessage({ address: ADDRESS }) }),
  'Connection checkout failed': (data) => {
    const reason = (Object.keys(CHECKOUT_FAILED_REASON_TEXT) as Array<keyof typeof CHECKOUT_FAILED_REASON_TEXT>).find((key) => CHECKOUT_FAILED_REASON_TEXT[key] === data.reason);
    if (reason === undefined) throw new Error(`no checkout failure reason has the text ${String(data.reason)}`);
    return { component: 'connection', severity: 'debug', message: checkoutFailedMessage({ address: ADDRESS, reason, error: new MongoNetworkError('refused'), durationMS: 2 }, MAX) };
  },
  'Connection checked out': () => ({ component: 'connection', severity: 'debug', message: checkedOutMessage({ address: ADDRESS, connectionId: 1, durationMS: 0.5 }) }),
  'Connection checked in': () => ({ component: 'connection', severity: 'debug', message: checkedInMessage({ address: ADDRESS, connectionId: 1 }) }),
  'Starting topology monitoring': () => ({ component: 'topology', severity: 'debug', message: topologyOpeningMessage({ topologyId: 1 }) }),
  'Stopped topology monitoring': () => ({ component: 'topology', severity: 'debug', message: topologyClosedMessage({ topologyId: 1 }) }),
  'Starting server monitoring': () => ({ component: 'topology', severity: 'debug', message: serverOpeningMessage({ topologyId: 1, address: ADDRESS }) }),
  'Stopped server monitoring': () => ({ component: 'topology', severity: 'debug', message: serverClosedMessage({ topologyId: 1, address: ADDRESS }) }),
  'Topology description changed': () => ({
    component: 'topology',
    severity: 'debug',
    message: topologyDescriptionChangedMessage({ topologyId: 1, previousDescription: { type: 'Unknown', servers: new Map() }, newDescription: topology }, MAX),
  }),
  'Server heartbeat started': () => ({ component: 'topology', severity: 'debug', message: heartbeatStartedMessage(heartbeat) }),
  'Server heartbeat succeeded': () => ({
    component: 'topology',
    severity: 'debug',
    message: heartbeatSucceededMessage({ ...heartbeat, durationMS: 3, reply: { isWritablePrimary: true, ok: 1 } }, MAX),
  }),
  'Server heartbeat failed': () => ({
    component: 'topology',
    severity: 'debug',
    message: heartbeatFailedMessage({ ...heartbeat, durationMS: 3, failure: new MongoNetworkError('connection refused') }, MAX),
  }),
  'Server selection started': (data) => ({ component: 'serverSelection', severity: 'debug', message: serverSelectionStartedMessage(selectionInput(data), MAX) }),
  'Server selection succeeded': (data) => ({
    component: 'serverSelection',
    severity: 'debug',
    message: serverSelectionSucceededMessage({ ...selectionInput(data), address: ADDRESS }, MAX),
  }),
  'Server selection failed': (data) => ({
    component: 'serverSelection',
    severity: 'debug',
    message: serverSelectionFailedMessage({ ...selectionInput(data), failure: new Error('Server selection timed out after 10 ms') }, MAX),
  }),
  'Waiting for suitable server to become available': (data) => ({
    component: 'serverSelection',
    severity: 'info',
    message: waitingForSuitableServerMessage({ ...selectionInput(data), remainingTimeMS: 29_987.6 }, MAX),
  }),
};

const SOURCES: Array<[suite: string, sub: string, filter: (name: string) => boolean]> = [
  ['command-logging-and-monitoring', 'logging', () => true],
  ['connection-monitoring-and-pooling', 'logging', () => true],
  ['server-discovery-and-monitoring', 'unified', (name) => /\/logging-[^/]+\.json$/.test(name)],
  ['server-selection', 'logging', () => true],
];

for (const [suite, sub, filter] of SOURCES) {
  describe(`log message shapes of ${suite}/${sub}`, () => {
    const files = specFiles<{ tests: SpecTest[] }>(suite, sub).filter((file) => filter(file.name));
    it('finds spec files with log expectations', () => {
      expect(files.length).toBeGreaterThan(0);
    });
    for (const file of files) {
      for (const test of file.content.tests) {
        const expected = (test.expectLogMessages ?? []).flatMap((forClient) => [...forClient.messages, ...(forClient.ignoreMessages ?? [])]);
        if (expected.length === 0) continue;
        it(`${file.name}: ${test.description}`, () => {
          expected.forEach((message, index) => {
            const text = String(message.data.message);
            const builder = BUILDERS[text];
            expect(builder, `a builder for "${text}"`).toBeDefined();
            const built = builder(message.data, test);
            expect(built.severity).toBe(message.level);
            expect(built.component).toBe(message.component);
            // What the unified runner will see: the message as a document.
            const data = EJSON.parse(EJSON.stringify(built.message, { relaxed: false }), { relaxed: false }) as Document;
            assertMatches(message.data, data, { root: true, path: `messages[${index}].data` });
            if (message.failureIsRedacted !== undefined) {
              const failure = built.message.failure as Document;
              expect(failure.message === undefined, `failure of ${text} redacted`).toBe(message.failureIsRedacted);
            }
          });
        });
      }
    }
  });
}
