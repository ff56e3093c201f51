// A monitor check that times out clears the pool with interruptInUseConnections: the
// connections checked out at that moment are closed, so their operations fail at once
// (SDAM unified interruptInUse-pool-clear.json checks this with server-side JavaScript,
// which the embedded server does not run; here failCommand's blockConnection holds the find).
import { describe, expect, it } from 'vitest';
import type { Document } from '../../src/bson.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import { MongoNetworkTimeoutError } from '../../src/errors.js';
import type { Topology } from '../../src/sdam/topology.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { EventRecorder, useCleanup } from './support.js';

const PRIMARY = { readPreference: { mode: 'primary' }, operationName: 'test' } as const;
const APP = 'interruptInUseTest';
const none = (): TimeoutContext => TimeoutContext.none();

async function runAdmin(topology: Topology, command: Document): Promise<void> {
  const server = await topology.selectServer(PRIMARY, none());
  const connection = await server.checkOut(none());
  try {
    await connection.command('admin', command);
  } finally {
    server.checkIn(connection);
  }
}

describe('interruptInUseConnections against MemoryServer', () => {
  const cleanup = useCleanup();

  it('a monitor timeout closes the connections in use', async () => {
    const server = await cleanup.server();
    const recorder = new EventRecorder();
    const topology = cleanup.track(
      createTopology({
        seeds: [`127.0.0.1:${server.port}`],
        heartbeatFrequencyMS: 200,
        minHeartbeatFrequencyMS: 20,
        connectTimeoutMS: 300,
        serverMonitoringMode: 'poll',
        connection: { appName: APP },
        events: recorder.sink,
      }),
    );
    await topology.connect(none());
    const selected = await topology.selectServer(PRIMARY, none());
    const inUse = await selected.checkOut(none());
    await runAdmin(topology, {
      configureFailPoint: 'failCommand',
      mode: { times: 4 },
      data: { failCommands: ['find', 'hello', 'isMaster'], blockConnection: true, blockTimeMS: 5000, appName: APP },
    });
    try {
      const find = inUse.command('test', { find: 'c', filter: {} });
      await expect(find).rejects.toThrow(/interrupted due to server monitor timeout/u);
    } finally {
      selected.checkIn(inUse);
      await runAdmin(topology, { configureFailPoint: 'failCommand', mode: 'off' }).catch(() => undefined);
    }
    const failed = recorder.of('serverHeartbeatFailed');
    expect(failed.some((e) => e.failure instanceof MongoNetworkTimeoutError)).toBe(true);
    expect(recorder.of('connectionPoolCleared')).toEqual([expect.objectContaining({ interruptInUseConnections: true })]);
  });
});
