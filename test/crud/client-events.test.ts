// A Client against the embedded server emits SDAM, heartbeat, pool and command events
// in order, all through the one Client event emitter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/index.js';
import { MemoryServer } from '../../src/server/index.js';

let server: MemoryServer;
beforeAll(async () => {
  server = await MemoryServer.start();
});
afterAll(async () => {
  await server.stop();
});

const EVENTS = [
  'topologyOpening',
  'topologyDescriptionChanged',
  'serverOpening',
  'serverHeartbeatStarted',
  'serverHeartbeatSucceeded',
  'serverDescriptionChanged',
  'connectionPoolCreated',
  'connectionPoolReady',
  'connectionCheckOutStarted',
  'connectionCreated',
  'connectionReady',
  'connectionCheckedOut',
  'commandStarted',
  'commandSucceeded',
  'connectionCheckedIn',
  'serverClosed',
  'topologyClosed',
  'connectionPoolClosed',
] as const;

describe('Client events against MemoryServer', () => {
  it('publishes topology, heartbeat, pool and command events in order with their fields', async () => {
    const client = new Client(server.uri, { heartbeatFrequencyMS: 60_000 });
    const seen: { name: string; event: Record<string, unknown> }[] = [];
    for (const name of EVENTS) client.on(name, (event: object) => seen.push({ name, event: event as Record<string, unknown> }));

    await client.db('events').collection('c').insertOne({ a: 1 });
    await client.close();

    const names = seen.map((s) => s.name);
    const first = (name: string): number => names.indexOf(name);
    expect(first('topologyOpening')).toBe(0);
    expect(first('serverOpening')).toBeGreaterThan(first('topologyOpening'));
    expect(first('serverHeartbeatStarted')).toBeGreaterThan(first('serverOpening'));
    expect(first('serverHeartbeatSucceeded')).toBeGreaterThan(first('serverHeartbeatStarted'));
    expect(first('serverDescriptionChanged')).toBeGreaterThan(first('serverHeartbeatSucceeded'));
    expect(first('connectionPoolReady')).toBeGreaterThan(first('connectionPoolCreated'));
    // The insert: checkout, then the command pair, then check-in.
    const started = names.indexOf('commandStarted');
    expect(started).toBeGreaterThan(first('connectionCheckedOut'));
    expect(first('connectionCheckedOut')).toBeGreaterThan(first('connectionCheckOutStarted'));
    expect(names.indexOf('commandSucceeded')).toBeGreaterThan(started);
    expect(names.lastIndexOf('connectionCheckedIn')).toBeGreaterThan(names.indexOf('commandSucceeded'));
    expect(names).toContain('topologyClosed');
    expect(first('topologyClosed')).toBeGreaterThan(first('serverClosed'));

    const address = `127.0.0.1:${server.port}`;
    const described = seen.find((s) => s.name === 'serverDescriptionChanged')?.event as { address: string; newDescription: { type: string } };
    expect(described.address).toBe(address);
    expect(described.newDescription.type).toBe('Standalone');
    const heartbeat = seen.find((s) => s.name === 'serverHeartbeatSucceeded')?.event as { durationMS: number; awaited: boolean };
    expect(heartbeat.awaited).toBe(false);
    expect(heartbeat.durationMS).toBeGreaterThanOrEqual(0);
    const command = seen.find((s) => s.name === 'commandStarted')?.event as { commandName: string; databaseName: string; requestId: number; address: string };
    expect(command).toMatchObject({ commandName: 'insert', databaseName: 'events', address });
    expect(command.requestId).toBeGreaterThan(0);
    const succeeded = seen.find((s) => s.name === 'commandSucceeded')?.event as { requestId: number; reply: { n: number } };
    expect(succeeded.requestId).toBe(command.requestId);
    expect(succeeded.reply.n).toBe(1);
  });
});
