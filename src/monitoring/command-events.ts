// Command monitoring events (command-logging-and-monitoring spec). Producers build
// these only after `wants(name)` said someone listens, so an unobserved command
// pays for nothing here.
import { deserialize } from '../bson.js';
import type { Document, ObjectId } from '../bson.js';
import type { DocumentSequence, SerializedDocumentSequence } from '../wire/types.js';

/** Commands whose bodies and replies carry credentials: published as {}. */
const SENSITIVE_COMMANDS: ReadonlySet<string> = new Set([
  'authenticate',
  'saslstart',
  'saslcontinue',
  'getnonce',
  'createuser',
  'updateuser',
  'copydbgetnonce',
  'copydbsaslstart',
  'copydb',
]);

/** True when the command's body and reply must be redacted in events and logs. */
export function isSensitiveCommand(commandName: string, body: Document | undefined): boolean {
  const lower = commandName.toLowerCase();
  if (SENSITIVE_COMMANDS.has(lower)) return true;
  if (lower === 'hello' || lower === 'ismaster') return body !== undefined && body.speculativeAuthenticate !== undefined;
  return false;
}

/** What every command event says about where the command ran. */
export interface CommandEventBase {
  readonly commandName: string;
  readonly databaseName: string;
  readonly requestId: number;
  /** Shared by every command of one operation (bulk batches, getMores of one cursor, retries). */
  readonly operationId: number;
  /** The driver's id for the connection. */
  readonly connectionId: number | string;
  /** The server's id for the connection (from hello's connectionId), if known. */
  readonly serverConnectionId: number | undefined;
  /** Load-balanced mode only. */
  readonly serviceId: ObjectId | undefined;
  /** "host:port". */
  readonly address: string;
}

export interface CommandStartedEvent extends CommandEventBase {
  readonly command: Document;
}

export interface CommandSucceededEvent extends CommandEventBase {
  readonly durationMS: number;
  /** Same value as durationMS (the name some tools expect). */
  readonly duration: number;
  readonly reply: Document;
}

export interface CommandFailedEvent extends CommandEventBase {
  readonly durationMS: number;
  readonly duration: number;
  readonly failure: Error;
}

export interface CommandEventMap {
  commandStarted: CommandStartedEvent;
  commandSucceeded: CommandSucceededEvent;
  commandFailed: CommandFailedEvent;
}

/** The command as published: sequences folded in as arrays named by their identifiers. */
export function publishedCommand(
  commandName: string,
  body: Document,
  sequences: ReadonlyArray<DocumentSequence | SerializedDocumentSequence> | undefined,
): Document {
  if (isSensitiveCommand(commandName, body)) return {};
  if (sequences === undefined || sequences.length === 0) return body;
  const command: Document = { ...body };
  for (const sequence of sequences) {
    command[sequence.identifier] =
      'documents' in sequence ? sequence.documents : sequence.serialized.map((bytes) => deserialize(bytes));
  }
  return command;
}

export function publishedReply(commandName: string, command: Document | undefined, reply: Document): Document {
  return isSensitiveCommand(commandName, command) ? {} : reply;
}

/** A sensitive command's failure keeps only code, codeName and errorLabels. */
export function publishedFailure(commandName: string, command: Document | undefined, failure: Error): Error {
  if (!isSensitiveCommand(commandName, command)) return failure;
  const redacted = new Error('redacted') as Error & { code?: unknown; codeName?: unknown; errorLabels?: unknown };
  const source = failure as Error & { code?: unknown; codeName?: unknown; errorLabels?: unknown };
  redacted.code = source.code;
  redacted.codeName = source.codeName;
  redacted.errorLabels = source.errorLabels;
  return redacted;
}

let nextOperationId = 1;

/** A fresh operation id (one per user-level operation). */
export function newOperationId(): number {
  const id = nextOperationId;
  nextOperationId = nextOperationId >= 0x7fffffff ? 1 : nextOperationId + 1;
  return id;
}
