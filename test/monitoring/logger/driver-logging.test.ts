// The structured logger wired into a Client against the embedded server: command,
// connection (CMAP), topology (SDAM) and serverSelection messages, their fields and
// order, and nothing at all (no message built) when logging is off.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Client, type ClientOptions } from '../../../src/crud/index.js';
import type { CommandStartedEvent, CommandSucceededEvent } from '../../../src/monitoring/command-events.js';
import { MemoryLogSink, type CollectedLogEntry, type LoggedFailure } from '../../../src/monitoring/logger/index.js';
import { MemoryServer } from '../../../src/server/index.js';

// Spies that still run the real builders, to prove a disabled logger never calls them.
vi.mock('../../../src/monitoring/logger/messages/command.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/monitoring/logger/messages/command.js')>();
  return { ...real, commandStartedMessage: vi.fn(real.commandStartedMessage) };
});
vi.mock('../../../src/monitoring/logger/messages/connection.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/monitoring/logger/messages/connection.js')>();
  return { ...real, checkoutStartedMessage: vi.fn(real.checkoutStartedMessage) };
});
const { commandStartedMessage } = await import('../../../src/monitoring/logger/messages/command.js');
const { checkoutStartedMessage } = await import('../../../src/monitoring/logger/messages/connection.js');

const ALL_DEBUG = { command: 'debug', connection: 'debug', topology: 'debug', serverSelection: 'debug' } as const;

let server: MemoryServer;
beforeAll(async () => {
  server = await MemoryServer.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  vi.mocked(commandStartedMessage).mockClear();
  vi.mocked(checkoutStartedMessage).mockClear();
});

function loggingClient(options: ClientOptions = {}, uri = server.uri): { client: Client; sink: MemoryLogSink } {
  const sink = new MemoryLogSink();
  const client = new Client(uri, { heartbeatFrequencyMS: 60_000, mongodbLogPath: sink, mongodbLogComponentSeverities: ALL_DEBUG, ...options });
  return { client, sink };
}

/** close() ends pooled server sessions with an endSessions command (sessions spec); tests about one operation leave it out. */
function isEndSessions(entry: CollectedLogEntry): boolean {
  return entry.data.commandName === 'endSessions' || entry.data.operation === 'endSessions';
}

function ofComponent(sink: MemoryLogSink, component: string): CollectedLogEntry[] {
  return sink.entries.filter((entry) => entry.component === component && !isEndSessions(entry));
}

function messages(entries: readonly CollectedLogEntry[]): string[] {
  return entries.map((entry) => entry.data.message);
}

function find(sink: MemoryLogSink, message: string): CollectedLogEntry {
  const entry = sink.entries.find((candidate) => candidate.data.message === message);
  if (entry === undefined) throw new Error(`no "${message}" message in: ${messages(sink.entries).join(', ')}`);
  return entry;
}

/** A loopback port nothing listens on (a just-stopped server's). */
async function closedPort(): Promise<number> {
  const probe = await MemoryServer.start();
  const port = probe.port;
  await probe.stop();
  return port;
}

describe('command log messages', () => {
  it('logs Command started/succeeded for an insert with the same fields as its events', async () => {
    const { client, sink } = loggingClient();
    const started: CommandStartedEvent[] = [];
    const succeeded: CommandSucceededEvent[] = [];
    client.on('commandStarted', (event) => started.push(event));
    client.on('commandSucceeded', (event) => succeeded.push(event));
    await client.db('logging').collection('c').insertOne({ a: 1 });
    await client.close();

    const commands = ofComponent(sink, 'command');
    expect(messages(commands)).toEqual(['Command started', 'Command succeeded']);
    const [startedLog, succeededLog] = commands;
    const event = started[0];
    expect(startedLog.level).toBe('debug');
    expect(startedLog.data).toMatchObject({
      commandName: 'insert',
      databaseName: 'logging',
      requestId: event.requestId,
      operationId: event.operationId,
      driverConnectionId: event.connectionId,
      serverHost: '127.0.0.1',
      serverPort: server.port,
    });
    expect(typeof startedLog.data.driverConnectionId).toBe('number');
    expect(startedLog.data.serverConnectionId).toBe(event.serverConnectionId);
    expect(JSON.parse(String(startedLog.data.command))).toMatchObject({ insert: 'c', documents: [{ a: 1 }] });
    expect(succeededLog.data).toMatchObject({ commandName: 'insert', requestId: event.requestId, operationId: event.operationId });
    expect(succeededLog.data.durationMS).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(String(succeededLog.data.reply))).toMatchObject({ n: 1, ok: 1 });
    expect(succeeded[0].requestId).toBe(event.requestId);
  });

  it('logs Command failed with the server error for an unknown command', async () => {
    const { client, sink } = loggingClient();
    await expect(client.db('logging').command({ noSuchCommandHere: 1 })).rejects.toThrow();
    await client.close();

    const commands = ofComponent(sink, 'command');
    expect(messages(commands)).toEqual(['Command started', 'Command failed']);
    const failed = commands[1].data;
    expect(failed).toMatchObject({ commandName: 'noSuchCommandHere', databaseName: 'logging', requestId: commands[0].data.requestId });
    const failure = failed.failure as LoggedFailure;
    expect(failure.code).toBe(59);
    expect(failure.codeName).toBe('CommandNotFound');
    expect(failure.message).toMatch(/noSuchCommandHere/);
  });

  it('does not log handshake or heartbeat hellos as commands', async () => {
    const { client, sink } = loggingClient();
    await client.db('logging').command({ ping: 1 });
    await client.close();
    expect(ofComponent(sink, 'command').map((entry) => entry.data.commandName)).toEqual(['ping', 'ping']);
  });

  it('logs an unacknowledged write as succeeded with reply { ok: 1 }, like its event', async () => {
    const { client, sink } = loggingClient();
    const replies: unknown[] = [];
    client.on('commandSucceeded', (event) => replies.push(event.reply));
    await client.db('logging').collection('c', { writeConcern: { w: 0 } }).insertOne({ a: 1 });
    await client.close();
    expect(JSON.parse(String(find(sink, 'Command succeeded').data.reply))).toEqual({ ok: 1 });
    expect(replies).toEqual([{ ok: 1 }]);
  });

  it('truncates documents at mongodbLogMaxDocumentLength', async () => {
    const { client, sink } = loggingClient({ mongodbLogMaxDocumentLength: 20 });
    await client.db('logging').collection('c').insertOne({ long: 'x'.repeat(100) });
    await client.close();
    expect(String(find(sink, 'Command started').data.command)).toHaveLength(23);
  });
});

describe('connection log messages', () => {
  it('logs the pool lifecycle and a checkout in order', async () => {
    const { client, sink } = loggingClient({ maxPoolSize: 7 });
    await client.db('logging').collection('c').insertOne({ a: 1 });
    await client.close();

    expect(messages(ofComponent(sink, 'connection'))).toEqual([
      'Connection pool created',
      'Connection pool ready',
      'Connection checkout started',
      'Connection created',
      'Connection ready',
      'Connection checked out',
      'Connection checked in',
      // close(): the endSessions command takes the pooled connection once more.
      'Connection checkout started',
      'Connection checked out',
      'Connection checked in',
      'Connection closed',
      'Connection pool closed',
    ]);
    const address = { serverHost: '127.0.0.1', serverPort: server.port };
    expect(find(sink, 'Connection pool created').data).toMatchObject({ ...address, maxPoolSize: 7 });
    const created = find(sink, 'Connection created').data;
    expect(created).toMatchObject(address);
    expect(typeof created.driverConnectionId).toBe('number');
    expect(find(sink, 'Connection checked out').data).toMatchObject({ driverConnectionId: created.driverConnectionId });
    expect(find(sink, 'Connection closed').data).toMatchObject({
      driverConnectionId: created.driverConnectionId,
      reason: 'Connection pool was closed',
    });
  });

  it('logs the connection that hit a network error as closed by that error, after the pool clear it caused', async () => {
    await failOnce({ failCommands: ['find'], closeConnection: true });
    const { client, sink } = loggingClient({ retryReads: false });
    await expect(client.db('logging').collection('c').findOne({})).rejects.toThrow();
    await client.close();

    const connection = messages(ofComponent(sink, 'connection'));
    expect(connection.indexOf('Connection pool cleared')).toBeGreaterThan(connection.indexOf('Connection checked out'));
    // The connection itself failed, so "error" (CMAP), even though the pool was cleared before it was closed.
    expect(find(sink, 'Connection closed').data.reason).toBe('An error occurred while using the connection');
  });

  it('logs a connection closed for an establishment error with the error, and the checkout failure', async () => {
    const { client, sink } = loggingClient({ retryWrites: false });
    await client.connect();
    // Set after the monitor's handshake, so the pool's first handshake is the one that fails.
    await failOnce({ failCommands: ['hello', 'isMaster'], closeConnection: true });
    await expect(client.db('logging').collection('c').insertOne({ a: 1 })).rejects.toThrow();
    await client.close();

    // (A handshake network error is labelled SystemOverloadedError, so SDAM keeps the pool: no "cleared" here.)
    expect(messages(ofComponent(sink, 'connection')).slice(2, 6)).toEqual([
      'Connection checkout started',
      'Connection created',
      'Connection closed',
      'Connection checkout failed',
    ]);
    const closed = find(sink, 'Connection closed').data;
    expect(closed.reason).toBe('An error occurred while using the connection');
    expect((closed.error as LoggedFailure | undefined)?.message).toBeTruthy();
    const failed = find(sink, 'Connection checkout failed').data;
    expect(failed.reason).toBe('An error occurred while trying to establish a new connection');
    expect((failed.error as LoggedFailure | undefined)?.errorName).toMatch(/Error$/);
    expect(failed.durationMS).toBeGreaterThanOrEqual(0);
  });
});

/** Arms the server's failCommand failpoint for one matching command. */
async function failOnce(data: Record<string, unknown>): Promise<void> {
  const admin = new Client(server.uri, { heartbeatFrequencyMS: 60_000 });
  try {
    await admin.db('admin').command({ configureFailPoint: 'failCommand', mode: { times: 1 }, data });
  } finally {
    await admin.close();
  }
}

describe('topology log messages', () => {
  it('logs monitoring start, heartbeats with numeric connection ids, description changes and stop', async () => {
    const { client, sink } = loggingClient();
    await client.connect();
    await client.close();

    const topology = messages(ofComponent(sink, 'topology'));
    expect(topology[0]).toBe('Starting topology monitoring');
    expect(topology.at(-1)).toBe('Stopped topology monitoring');
    expect(topology).toContain('Starting server monitoring');
    expect(topology).toContain('Stopped server monitoring');
    expect(topology.indexOf('Server heartbeat started')).toBeLessThan(topology.indexOf('Server heartbeat succeeded'));
    expect(topology.filter((message) => message === 'Topology description changed').length).toBeGreaterThanOrEqual(2);

    const started = find(sink, 'Server heartbeat started').data;
    const succeeded = find(sink, 'Server heartbeat succeeded').data;
    expect(started).toMatchObject({ serverHost: '127.0.0.1', serverPort: server.port, awaited: false });
    expect(typeof started.topologyId).toBe('number');
    expect(typeof started.driverConnectionId).toBe('number');
    expect(succeeded.driverConnectionId).toBe(started.driverConnectionId);
    expect(typeof succeeded.serverConnectionId).toBe('number');
    expect(JSON.parse(String(succeeded.reply))).toMatchObject({ ok: 1 });
    const changed = find(sink, 'Topology description changed').data;
    expect(typeof changed.previousDescription).toBe('string');
    expect(typeof changed.newDescription).toBe('string');
  });

  it('logs a failed heartbeat against an unreachable server', async () => {
    const { client, sink } = loggingClient({ serverSelectionTimeoutMS: 200 }, `mongodb://127.0.0.1:${await closedPort()}`);
    await expect(client.db('logging').command({ ping: 1 })).rejects.toThrow();
    await client.close();
    const failed = find(sink, 'Server heartbeat failed').data;
    expect(typeof failed.driverConnectionId).toBe('number');
    expect((failed.failure as LoggedFailure).message).toBeTruthy();
  });
});

describe('server selection log messages', () => {
  it('logs selection started/succeeded for an operation with its operation id', async () => {
    const { client, sink } = loggingClient();
    const started: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => started.push(event));
    await client.db('logging').collection('c').insertOne({ a: 1 });
    await client.close();

    const selection = ofComponent(sink, 'serverSelection');
    const forInsert = selection.filter((entry) => entry.data.operation === 'insert');
    expect(messages(forInsert).filter((message) => message !== 'Waiting for suitable server to become available')).toEqual([
      'Server selection started',
      'Server selection succeeded',
    ]);
    const succeeded = forInsert.find((entry) => entry.data.message === 'Server selection succeeded')?.data;
    expect(succeeded).toMatchObject({ operationId: started[0].operationId, serverHost: '127.0.0.1', serverPort: server.port });
    expect(typeof succeeded?.selector).toBe('string');
    expect(typeof succeeded?.topologyDescription).toBe('string');
    // The client's own connect-time selection is not an operation and is not logged.
    expect(selection.every((entry) => entry.data.operation === 'insert')).toBe(true);
  });

  it('logs waiting once (at info) and then the failure when no server is reachable', async () => {
    const { client, sink } = loggingClient({ serverSelectionTimeoutMS: 300, heartbeatFrequencyMS: 500 }, `mongodb://127.0.0.1:${await closedPort()}`);
    await expect(client.db('logging').collection('c').insertOne({ a: 1 })).rejects.toThrow(/Server selection timed out/);
    await client.close();

    const selection = ofComponent(sink, 'serverSelection');
    expect(selection.map((entry) => [entry.level, entry.data.message])).toEqual([
      ['debug', 'Server selection started'],
      ['info', 'Waiting for suitable server to become available'],
      ['debug', 'Server selection failed'],
    ]);
    const waiting = selection[1].data;
    expect(waiting.operation).toBe('insert');
    expect(Number.isInteger(waiting.remainingTimeMS)).toBe(true);
    expect((selection[2].data.failure as LoggedFailure).errorName).toBe('MongoServerSelectionError');
  });

  it('logs only the waiting message when serverSelection logs at info', async () => {
    const sink = new MemoryLogSink();
    const client = new Client(`mongodb://127.0.0.1:${await closedPort()}`, {
      serverSelectionTimeoutMS: 200,
      mongodbLogPath: sink,
      mongodbLogComponentSeverities: { serverSelection: 'info' },
    });
    await expect(client.db('logging').command({ ping: 1 })).rejects.toThrow();
    await client.close();
    expect(messages(sink.entries)).toEqual(['Waiting for suitable server to become available']);
  });
});

describe('logging configuration', () => {
  it('writes nothing and builds no message when logging is off', async () => {
    const write = vi.fn();
    const client = new Client(server.uri, { heartbeatFrequencyMS: 60_000, mongodbLogPath: { write } });
    await client.db('logging').collection('c').insertOne({ a: 1 });
    await client.db('logging').command({ ping: 1 });
    await client.close();
    expect(write).not.toHaveBeenCalled();
    expect(commandStartedMessage).not.toHaveBeenCalled();
    expect(checkoutStartedMessage).not.toHaveBeenCalled();
    expect(client.listenerCount('commandStarted')).toBe(0);
  });

  it('subscribes only the components that log', async () => {
    const { client, sink } = loggingClient({ mongodbLogComponentSeverities: { command: 'debug' } });
    await client.db('logging').collection('c').insertOne({ a: 1 });
    await client.close();
    expect(new Set(sink.entries.map((entry) => entry.component))).toEqual(new Set(['command']));
    expect(commandStartedMessage).toHaveBeenCalled();
    expect(checkoutStartedMessage).not.toHaveBeenCalled();
    expect(client.listenerCount('commandStarted')).toBe(0);
  });

  it('appends JSON lines to a file named by mongodbLogPath', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mongrove-log-'));
    try {
      const path = join(dir, 'driver.log');
      const client = new Client(server.uri, { heartbeatFrequencyMS: 60_000, mongodbLogPath: path, mongodbLogComponentSeverities: { command: 'debug' } });
      await client.db('logging').command({ ping: 1 });
      await client.close();
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.commandName !== 'endSessions');
      expect(lines.map((line) => [line.c, line.s, line.message])).toEqual([
        ['command', 'debug', 'Command started'],
        ['command', 'debug', 'Command succeeded'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an invalid logging option with a typed error naming it', () => {
    expect(() => new Client(server.uri, { mongodbLogMaxDocumentLength: -1 })).toThrow(/mongodbLogMaxDocumentLength/);
    expect(() => new Client(server.uri, { mongodbLogComponentSeverities: { nope: 'debug' } as never })).toThrow(/nope/);
  });
});
