// The Topology against the embedded server: event order of discovery, polling vs
// streaming heartbeats, and closing.
import { describe, expect, it } from 'vitest';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { EventRecorder, FAST, useCleanup } from './support.js';

describe('Topology monitoring against MemoryServer', () => {
  const cleanup = useCleanup();

  it('discovers a standalone with events in spec order, then streams awaited heartbeats', async () => {
    const server = await cleanup.server();
    const address = `127.0.0.1:${server.port}`;
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: [address], ...FAST, serverMonitoringMode: 'stream', events: recorder.sink }));
    topology.open();
    await recorder.waitFor((events) => events.some((e) => e.type === 'serverHeartbeatSucceeded' && e.event.awaited), 3000, 'an awaited heartbeat');

    const sdam = recorder.names((name) => !name.startsWith('connection'));
    expect(sdam.slice(0, 7)).toEqual([
      'topologyOpening',
      'topologyDescriptionChanged',
      'serverOpening',
      'serverHeartbeatStarted',
      'serverHeartbeatSucceeded',
      'serverDescriptionChanged',
      'topologyDescriptionChanged',
    ]);
    const [opening] = recorder.of('topologyOpening');
    expect(opening.topologyId).toBe(topology.topologyId);
    const [firstChange, discovered] = recorder.of('topologyDescriptionChanged');
    expect(firstChange.previousDescription.servers.size).toBe(0);
    expect(firstChange.newDescription.type).toBe('Unknown');
    expect([...firstChange.newDescription.servers.keys()]).toEqual([address]);
    expect(recorder.of('serverOpening')[0].address).toBe(address);

    const [started, ...laterStarts] = recorder.of('serverHeartbeatStarted');
    expect(started).toMatchObject({ address, connectionId: address, awaited: false });
    const [succeeded] = recorder.of('serverHeartbeatSucceeded');
    expect(succeeded).toMatchObject({ address, connectionId: address, awaited: false });
    expect(succeeded.durationMS).toBeGreaterThanOrEqual(0);
    // The handshake is legacy hello (no Stable API), so the first reply says `ismaster`.
    expect(succeeded.reply).toMatchObject({ ok: 1, ismaster: true, helloOk: true });
    expect(succeeded.reply.topologyVersion).toBeDefined();

    const [changed] = recorder.of('serverDescriptionChanged');
    expect(changed.address).toBe(address);
    expect(changed.previousDescription.type).toBe('Unknown');
    expect(changed.newDescription.type).toBe('Standalone');
    expect(changed.newDescription.roundTripTime).toBeGreaterThanOrEqual(0);
    expect(discovered.previousDescription.type).toBe('Unknown');
    expect(discovered.newDescription.type).toBe('Single');
    expect(topology.description.type).toBe('Single');

    // Streaming: the next checks are awaited hellos on the same connection.
    expect(laterStarts.length).toBeGreaterThan(0);
    expect(laterStarts.every((event) => event.awaited)).toBe(true);
    const awaited = recorder.of('serverHeartbeatSucceeded').filter((event) => event.awaited);
    expect(awaited[0].reply.ok).toBe(1);
    expect(topology.serverFor(address)?.monitor?.measuringRtt).toBe(true);

    // A successful check makes the pool ready, after the server became known.
    const readyAt = recorder.indexOf((e) => e.type === 'connectionPoolReady');
    const knownAt = recorder.indexOf((e) => e.type === 'serverDescriptionChanged');
    expect(readyAt).toBeGreaterThan(knownAt);

    await topology.close();
    const closing = recorder.names((name) => !name.startsWith('connection') && !name.startsWith('serverHeartbeat')).slice(-3);
    expect(closing).toEqual(['serverClosed', 'topologyDescriptionChanged', 'topologyClosed']);
    const last = recorder.of('topologyDescriptionChanged').at(-1);
    expect(last?.newDescription.servers.size).toBe(0);
    expect(recorder.names().at(-1)).toBe('topologyClosed');
  });

  it('polls with awaited=false heartbeats and no RTT connection in poll mode', async () => {
    const server = await cleanup.server();
    const address = `127.0.0.1:${server.port}`;
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: [address], ...FAST, serverMonitoringMode: 'poll', events: recorder.sink }));
    topology.open();
    await recorder.waitFor((events) => events.filter((e) => e.type === 'serverHeartbeatSucceeded').length >= 3, 3000, 'three heartbeats');
    const heartbeats = recorder.of('serverHeartbeatSucceeded');
    expect(heartbeats.every((event) => !event.awaited)).toBe(true);
    expect(heartbeats.every((event) => event.durationMS >= 0 && event.reply.ok === 1)).toBe(true);
    expect(topology.serverFor(address)?.monitor?.measuringRtt).toBe(false);
    // Equal descriptions publish no further change events.
    expect(recorder.of('serverDescriptionChanged')).toHaveLength(1);
  });

  it('serverMonitoringMode auto polls on a FaaS platform', async () => {
    const server = await cleanup.server();
    const recorder = new EventRecorder();
    const topology = cleanup.track(
      createTopology({ seeds: [`127.0.0.1:${server.port}`], ...FAST, serverMonitoringMode: 'auto', env: { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' }, events: recorder.sink }),
    );
    topology.open();
    await recorder.waitFor((events) => events.filter((e) => e.type === 'serverHeartbeatSucceeded').length >= 2, 3000, 'two heartbeats');
    expect(recorder.of('serverHeartbeatStarted').every((event) => !event.awaited)).toBe(true);
  });

  it('publishes nothing and builds no events when nobody listens, and close is idempotent', async () => {
    const server = await cleanup.server();
    const topology = createTopology({ seeds: [`127.0.0.1:${server.port}`], ...FAST });
    const selected = await topology.selectServer({ readPreference: { mode: 'primary' }, operationName: 'ping' }, TimeoutContext.none());
    expect(selected.description.type).toBe('Standalone');
    await Promise.all([topology.close(), topology.close()]);
    expect(topology.closed).toBe(true);
    await expect(topology.selectServer({ readPreference: { mode: 'primary' }, operationName: 'ping' }, TimeoutContext.none())).rejects.toThrow(/closed/);
  });

  it('a load-balanced topology has no monitors and one LoadBalancer server', async () => {
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: ['lb.example.test:27017'], loadBalanced: true, events: recorder.sink }));
    topology.open();
    expect(recorder.names((name) => !name.startsWith('connection'))).toEqual([
      'topologyOpening',
      'topologyDescriptionChanged',
      'serverOpening',
      'serverDescriptionChanged',
      'topologyDescriptionChanged',
    ]);
    expect(topology.description.type).toBe('LoadBalanced');
    expect(topology.serverFor('lb.example.test:27017')?.description.type).toBe('LoadBalancer');
    expect(topology.serverFor('lb.example.test:27017')?.monitor).toBeUndefined();
    const server = await topology.selectServer({ readPreference: { mode: 'primary' }, operationName: 'find' }, TimeoutContext.none());
    expect(server.address).toBe('lb.example.test:27017');
    await topology.close();
    expect(recorder.names((name) => !name.startsWith('connection')).slice(-3)).toEqual(['serverClosed', 'topologyDescriptionChanged', 'topologyClosed']);
    expect(recorder.names((name) => name.startsWith('serverHeartbeat'))).toEqual([]);
  });
});
