// server-monitoring "Requesting an immediate check": a request while a hello is in flight is
// ignored, one while the monitor sleeps wakes it, and a cancelled check no longer counts as in flight.
import { describe, expect, it } from 'vitest';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { EventRecorder, useCleanup } from './support.js';

const SLOW = { heartbeatFrequencyMS: 60_000, minHeartbeatFrequencyMS: 10, connectTimeoutMS: 2000 } as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Monitor check requests against MemoryServer', () => {
  const cleanup = useCleanup();

  async function polled(): Promise<{ recorder: EventRecorder; topology: ReturnType<typeof createTopology> }> {
    const server = await cleanup.server();
    const recorder = new EventRecorder();
    const topology = cleanup.track(createTopology({ seeds: [`127.0.0.1:${server.port}`], ...SLOW, serverMonitoringMode: 'poll', events: recorder.sink }));
    // connect() asks for a check while the first one (the monitoring handshake) is still in flight.
    await topology.connect(TimeoutContext.none());
    return { recorder, topology };
  }

  it('ignores a request made while the check is in progress', async () => {
    const { recorder } = await polled();
    await sleep(100);
    expect(recorder.of('serverHeartbeatStarted')).toHaveLength(1);
  });

  it('wakes a sleeping monitor on request', async () => {
    const { recorder, topology } = await polled();
    await sleep(30);
    topology.requestImmediateCheck();
    await recorder.waitFor((events) => events.filter((e) => e.type === 'serverHeartbeatSucceeded').length >= 2, 2000, 'a second heartbeat');
  });
});
