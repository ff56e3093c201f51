// Failures: hello failpoints seen by the monitor, application errors routed
// through SDAM's error handling, and server selection timing out.
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from '../../src/errors.js';
import type { Topology } from '../../src/sdam/topology.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { EventRecorder, FAST, useCleanup, type RecordedEvent } from './support.js';

const PRIMARY = { readPreference: { mode: 'primary' }, operationName: 'test' } as const;
const none = (): TimeoutContext => TimeoutContext.none();

async function runAdmin(topology: Topology, command: Document): Promise<Document> {
  const server = await topology.selectServer(PRIMARY, none());
  const connection = await server.checkOut(none());
  try {
    return (await connection.command('admin', command)).body();
  } finally {
    server.checkIn(connection);
  }
}

const is = (type: RecordedEvent['type']) => (entry: RecordedEvent): boolean => entry.type === type;
const describedAs = (type: string) => (entry: RecordedEvent): boolean =>
  entry.type === 'serverDescriptionChanged' && entry.event.newDescription.type === type;

describe('Topology failure handling against MemoryServer', () => {
  const cleanup = useCleanup();

  async function discovered(options: { heartbeatFrequencyMS?: number } = {}): Promise<{ topology: Topology; recorder: EventRecorder; address: string }> {
    const server = await cleanup.server();
    const address = `127.0.0.1:${server.port}`;
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: [address], ...FAST, ...options, serverMonitoringMode: 'poll', events: recorder.sink }));
    await topology.connect(none());
    return { topology, recorder, address };
  }

  it('a hello failing with an error code marks the server Unknown, clears the pool, then recovers', async () => {
    const { topology, recorder, address } = await discovered();
    const from = recorder.events.length;
    await runAdmin(topology, { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['hello'], errorCode: 91 } });
    await recorder.waitFor((events) => events.slice(from).some(describedAs('Standalone')), 3000, 'recovery');

    const failedAt = recorder.indexOf(is('serverHeartbeatFailed'), from);
    const unknownAt = recorder.indexOf(describedAs('Unknown'), from);
    const clearedAt = recorder.indexOf(is('connectionPoolCleared'), from);
    const recoveredAt = recorder.indexOf(describedAs('Standalone'), from);
    const readyAt = recorder.indexOf(is('connectionPoolReady'), recoveredAt);
    expect(failedAt).toBeGreaterThanOrEqual(0);
    expect(unknownAt).toBeGreaterThan(failedAt);
    expect(clearedAt).toBeGreaterThan(unknownAt);
    expect(recoveredAt).toBeGreaterThan(clearedAt);
    expect(readyAt).toBeGreaterThan(recoveredAt);

    const failed = recorder.events[failedAt];
    if (failed.type !== 'serverHeartbeatFailed') throw new Error('unreachable');
    expect(failed.event).toMatchObject({ address, connectionId: address, awaited: false });
    expect(failed.event.durationMS).toBeGreaterThanOrEqual(0);
    expect(failed.event.failure).toBeInstanceOf(MongoServerError);
    expect((failed.event.failure as MongoServerError).code).toBe(91);
    const unknown = recorder.events[unknownAt];
    if (unknown.type !== 'serverDescriptionChanged') throw new Error('unreachable');
    expect(unknown.event.newDescription.error?.message).toMatch(/failCommand/);
    expect(recorder.events[clearedAt]).toMatchObject({ event: { address } });
    expect(topology.description.servers.get(address)?.type).toBe('Standalone');
  });

  it('a hello whose connection is closed is retried at once on a new connection', async () => {
    const { topology, recorder } = await discovered({ heartbeatFrequencyMS: 5000 });
    await runAdmin(topology, { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['hello'], closeConnection: true } });
    // The next poll is 5 s away; ask for a check so the failpoint is met now.
    const from = recorder.events.length;
    topology.requestImmediateCheck();
    await recorder.waitFor((events) => events.slice(from).some(describedAs('Standalone')), 3000, 'recovery');
    const failedAt = recorder.indexOf(is('serverHeartbeatFailed'), from);
    const failed = recorder.events[failedAt];
    if (failed.type !== 'serverHeartbeatFailed') throw new Error('unreachable');
    expect(failed.event.failure).toBeInstanceOf(MongoNetworkError);
    expect(recorder.indexOf(is('connectionPoolCleared'), failedAt)).toBeGreaterThan(failedAt);
    // Recovery came from the immediate retry, not the 5 s heartbeat.
    const retryStart = recorder.indexOf(is('serverHeartbeatStarted'), failedAt);
    expect(retryStart).toBeGreaterThan(failedAt);
  });

  it('an application network error marks the server Unknown and clears the pool once per generation', async () => {
    const { topology, recorder, address } = await discovered();
    const server = await topology.selectServer(PRIMARY, none());
    const connection = await server.checkOut(none());
    const from = recorder.events.length;
    server.handleError(new MongoNetworkError('connection reset by test'), connection);
    expect(topology.description.servers.get(address)?.type).toBe('Unknown');
    expect(topology.description.servers.get(address)?.error?.message).toBe('connection reset by test');
    expect(recorder.names().slice(from)).toEqual(['serverDescriptionChanged', 'topologyDescriptionChanged', 'connectionPoolCleared']);
    // The same (now stale) connection's next error changes nothing.
    server.handleError(new MongoNetworkError('again'), connection);
    expect(recorder.names().slice(from)).toHaveLength(3);
    server.checkIn(connection);
    await recorder.waitFor((events) => events.slice(from).some(describedAs('Standalone')), 3000, 'recovery');
    expect(recorder.indexOf(is('connectionPoolReady'), from)).toBeGreaterThan(from);
  });

  it('a state-change error requests an immediate check instead of waiting for the heartbeat', async () => {
    const { topology, recorder, address } = await discovered({ heartbeatFrequencyMS: 10_000 });
    const server = await topology.selectServer(PRIMARY, none());
    const connection = await server.checkOut(none());
    const from = recorder.events.length;
    server.handleError(new MongoServerError({ ok: 0, code: 10107, errmsg: 'not writable primary' }), connection);
    server.checkIn(connection);
    expect(topology.description.servers.get(address)?.type).toBe('Unknown');
    // A 4.2+ server keeps its connections on a step-down: no pool clear.
    expect(recorder.names().slice(from)).not.toContain('connectionPoolCleared');
    await recorder.waitFor((events) => events.slice(from).some(describedAs('Standalone')), 2000, 'an immediate re-check');
  });

  it('selection with nothing reachable fails after serverSelectionTimeoutMS naming the server, its type and last error', async () => {
    const gone = await cleanup.server();
    const address = `127.0.0.1:${gone.port}`;
    await gone.stop();
    const topology = cleanup.track(createTopology({ seeds: [address], ...FAST, serverSelectionTimeoutMS: 300 }));
    const started = performance.now();
    const error = await topology.selectServer(PRIMARY, none()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    const message = (error as Error).message;
    expect(message).toContain('300 ms');
    expect(message).toContain(`${address}: Unknown`);
    expect(message).toMatch(/last error: .*ECONNREFUSED/);
    expect((error as Error).cause).toBeInstanceOf(MongoNetworkError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('a selection waiting when the topology closes fails with MongoTopologyClosedError', async () => {
    const gone = await cleanup.server();
    const address = `127.0.0.1:${gone.port}`;
    await gone.stop();
    const topology = createTopology({ seeds: [address], ...FAST, serverSelectionTimeoutMS: 5000 });
    const waiting = topology.selectServer(PRIMARY, none());
    setTimeout(() => void topology.close(), 50);
    await expect(waiting).rejects.toBeInstanceOf(MongoTopologyClosedError);
  });

  it('timeoutMS shorter than serverSelectionTimeoutMS bounds selection with a timeout error', async () => {
    const gone = await cleanup.server();
    await gone.stop();
    const topology = cleanup.track(createTopology({ seeds: [`127.0.0.1:${gone.port}`], ...FAST, serverSelectionTimeoutMS: 5000 }));
    await expect(topology.selectServer(PRIMARY, TimeoutContext.create({ timeoutMS: 150 }))).rejects.toThrow(/Server selection exceeded timeoutMS \(\d+ ms\)/);
    const controller = new AbortController();
    const aborted = topology.selectServer(PRIMARY, TimeoutContext.create({ signal: controller.signal }));
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
  });
});
