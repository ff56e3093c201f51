// Which events a client entity records, and how an observed event is matched
// against an expectedEvent / expectedLogMessage.
import type { Document } from '../../src/bson.js';
import type { ObservedEvent, ObservedLogMessage } from './adapter.js';
import type { ClientEntity } from './entities.js';
import { assertMatches, type MatchContext } from './matcher.js';
import type { ExpectedEvent, ExpectedEventsForClient, ExpectedLogMessage, ExpectedLogMessagesForClient } from './model.js';
import { show } from './bson-values.js';

const SENSITIVE = new Set(['authenticate', 'saslstart', 'saslcontinue', 'getnonce', 'createuser', 'updateuser', 'copydbgetnonce', 'copydbsaslstart', 'copydb']);
const HELLO = new Set(['hello', 'ismaster']);

/** Sensitive per command-logging-and-monitoring; hello is sensitive only when the driver redacted it (speculative auth). */
function isSensitive(e: ObservedEvent): boolean {
  const name = (e.commandName ?? '').toLowerCase();
  if (SENSITIVE.has(name)) return true;
  if (!HELLO.has(name)) return false;
  const doc = e.name === 'commandStartedEvent' ? e.command : e.reply;
  return doc !== undefined && Object.keys(doc).length === 0;
}

/** CMAP event name as storeEventsAsEntities spells it: poolCreatedEvent → PoolCreatedEvent. */
function storedName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Records `e` on the client entity if the test observes it. */
export function recordEvent(client: ClientEntity, stores: { names: Set<string>; list: Document[] }[], e: ObservedEvent): void {
  if (e.name === 'connectionCheckedOutEvent') client.checkedOut++;
  if (e.name === 'connectionCheckedInEvent') client.checkedOut--;
  if (e.name === 'connectionReadyEvent') client.connectionsReady++;
  if (!client.listening) return;
  if (e.kind === 'command') {
    if (e.commandName === 'configureFailPoint') return;
    if (client.spec.ignoreCommandMonitoringEvents?.includes(e.commandName ?? '')) return;
    if (!client.spec.observeSensitiveCommands && isSensitive(e)) return;
  }
  for (const store of stores) {
    if (store.names.has(storedName(e.name))) store.list.push(storedDocument(e));
  }
  if (client.spec.observeEvents?.includes(e.name)) client.events.push(e);
}

function storedDocument(e: ObservedEvent): Document {
  const doc: Document = { name: storedName(e.name), observedAt: e.observedAt };
  for (const key of ['commandName', 'databaseName', 'requestId', 'reason'] as const) if (e[key] !== undefined) doc[key] = e[key];
  if (e.failure !== undefined) doc.failure = e.failure instanceof Error ? e.failure.message : e.failure;
  return doc;
}

const ROOT_FIELDS = new Set(['command', 'reply', 'previousDescription', 'newDescription']);

/** Throws a descriptive error when `actual` does not satisfy the single-key expected event. */
export function assertEventMatches(expected: ExpectedEvent, actual: ObservedEvent, path: string, ctx: MatchContext): void {
  const keys = Object.keys(expected);
  if (keys.length !== 1) throw new Error(`${path}: an expected event must have exactly one key`);
  const name = keys[0];
  if (actual.name !== name) throw new Error(`expected ${path} to be a ${name} but was a ${actual.name}${actual.commandName ? ` (${actual.commandName})` : ''}`);
  const view = actual as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(expected[name])) {
    const fieldPath = `${path}.${name}.${field}`;
    if (ROOT_FIELDS.has(field)) {
      assertMatches(value, view[field], { root: true, path: fieldPath, context: ctx });
    } else if (view[field] !== value) {
      throw new Error(`expected ${fieldPath} to be ${show(value)} but was ${show(view[field])}`);
    }
  }
}

export function eventMatches(expected: ExpectedEvent, actual: ObservedEvent, ctx: MatchContext): boolean {
  try {
    assertEventMatches(expected, actual, '$', ctx);
    return true;
  } catch {
    return false;
  }
}

export function assertExpectedEvents(spec: ExpectedEventsForClient, client: ClientEntity, ctx: MatchContext): void {
  const kind = spec.eventType ?? 'command';
  const actual = client.events.filter((e) => e.kind === kind);
  const label = `expectEvents[client=${spec.client}, ${kind}]`;
  const describeActual = (): string => actual.map((e) => `${e.name}${e.commandName ? `(${e.commandName})` : ''}`).join(', ');
  if (actual.length < spec.events.length || (!spec.ignoreExtraEvents && actual.length > spec.events.length)) {
    throw new Error(`${label}: expected ${spec.events.length} events but observed ${actual.length}: [${describeActual()}]`);
  }
  spec.events.forEach((expected, i) => assertEventMatches(expected, actual[i], `${label}[${i}]`, ctx));
}

function logMatches(expected: ExpectedLogMessage, actual: ObservedLogMessage, path: string, ctx: MatchContext): void {
  if (actual.level !== expected.level) throw new Error(`expected ${path}.level to be ${expected.level} but was ${actual.level}`);
  if (actual.component !== expected.component) throw new Error(`expected ${path}.component to be ${expected.component} but was ${actual.component}`);
  if (expected.failureIsRedacted !== undefined && actual.data.failure === undefined) throw new Error(`expected ${path}.data.failure to exist`);
  assertMatches(expected.data, actual.data, { root: true, path: `${path}.data`, context: ctx });
}

export function assertExpectedLogs(spec: ExpectedLogMessagesForClient, client: ClientEntity, ctx: MatchContext): void {
  const ignored = spec.ignoreMessages ?? [];
  const actual = client.logs.filter((m) => !ignored.some((ig) => {
    try {
      logMatches(ig, m, '$', ctx);
      return true;
    } catch {
      return false;
    }
  }));
  const label = `expectLogMessages[client=${spec.client}]`;
  if (actual.length < spec.messages.length || (!spec.ignoreExtraMessages && actual.length > spec.messages.length)) {
    throw new Error(`${label}: expected ${spec.messages.length} messages but observed ${actual.length}: ${actual.map((m) => String(m.data.message)).join(' | ')}`);
  }
  spec.messages.forEach((expected, i) => logMatches(expected, actual[i], `${label}[${i}]`, ctx));
}
