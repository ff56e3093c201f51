// Sending one command on a connection, with or without command-monitoring events.
// The unmonitored path allocates nothing beyond what the connection needs.
import type { Document } from '../bson.js';
import { MongoServerError } from '../errors.js';
import {
  publishedCommand,
  publishedFailure,
  publishedReply,
  type CommandEventBase,
  type CommandEventMap,
} from '../monitoring/command-events.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import { nextRequestId } from '../wire/index.js';
import type { DocumentSequence, SerializedDocumentSequence } from '../wire/types.js';
import { isUnacknowledged } from './concerns.js';
import type { Operation } from './operations/operation.js';
import type { ConnectionHandle, SendOptions, TimeoutContextLike } from './target.js';

type Sequences = ReadonlyArray<DocumentSequence | SerializedDocumentSequence> | undefined;


export async function sendUnmonitored(
  operation: Operation<unknown>,
  body: Document,
  sequences: Sequences,
  connection: ConnectionHandle,
  timeout: TimeoutContextLike,
): Promise<Document> {
  if (isUnacknowledged(body.writeConcern)) return sendWithoutReply(connection, operation.dbName, body, { sequences, timeout });
  const reply = await connection.command(operation.dbName, body, { sequences, timeout, noThrow: true });
  return reply.body();
}

export async function sendMonitored(
  events: EventTarget<CommandEventMap>,
  operation: Operation<unknown>,
  body: Document,
  sequences: Sequences,
  connection: ConnectionHandle,
  operationId: number,
  timeout: TimeoutContextLike,
): Promise<Document> {
  const requestId = nextRequestId();
  const commandName = operation.commandName;
  const base: CommandEventBase = {
    commandName,
    databaseName: operation.dbName,
    requestId,
    operationId,
    connectionId: connection.id,
    serverConnectionId: connection.description?.serverConnectionId,
    serviceId: connection.serviceId,
    address: connection.address,
  };
  if (events.wants('commandStarted')) events.emit('commandStarted', { ...base, command: publishedCommand(commandName, body, sequences) });
  const started = performance.now();
  const unacknowledged = isUnacknowledged(body.writeConcern);
  let reply: Document;
  try {
    reply = unacknowledged
      ? await sendWithoutReply(connection, operation.dbName, body, { requestId, sequences, timeout })
      : (await connection.command(operation.dbName, body, { requestId, sequences, timeout, noThrow: true })).body();
  } catch (error) {
    // A driver-side failure (network, timeout) carries no server data: published whole, even for sensitive commands.
    emitFailed(events, base, started, error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  if (Number(reply.ok) === 1) {
    if (events.wants('commandSucceeded')) {
      const durationMS = performance.now() - started;
      const published = unacknowledged ? UNACKNOWLEDGED_REPLY : publishedReply(commandName, body, reply);
      events.emit('commandSucceeded', { ...base, durationMS, duration: durationMS, reply: published });
    }
  } else {
    emitFailed(events, base, started, publishedFailure(commandName, body, new MongoServerError(reply)));
  }
  return reply;
}

// An unacknowledged write's success is published as { ok: 1 } (command-logging-and-monitoring
// spec): w: 0 promises the application no reply.
const UNACKNOWLEDGED_REPLY: Readonly<Document> = Object.freeze({ ok: 1 });

/**
 * An unacknowledged write goes out flagged moreToCome, so the server sends nothing back
 * (OP_MSG spec); the operation reads a fresh { ok: 1 } in place of a reply.
 */
async function sendWithoutReply(connection: ConnectionHandle, db: string, body: Document, options: SendOptions): Promise<Document> {
  await connection.sendUnacknowledged(db, body, options);
  return { ok: 1 };
}


function emitFailed(events: EventTarget<CommandEventMap>, base: CommandEventBase, started: number, failure: Error): void {
  if (!events.wants('commandFailed')) return;
  const durationMS = performance.now() - started;
  events.emit('commandFailed', { ...base, durationMS, duration: durationMS, failure });
}
