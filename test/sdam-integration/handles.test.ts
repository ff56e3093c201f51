// Closing a topology leaves nothing behind: no sockets, no timers, and it
// satisfies the operation layer's OperationTarget contract.
import { describe, expect, it } from 'vitest';
import type { OperationTarget } from '../../src/crud/target.js';
import { TimeoutContext } from '../../src/connection/timeout-context.js';
import type { Topology } from '../../src/sdam/topology.js';
import { MemoryServer } from '../../src/server/index.js';
import { createTopology } from '../../src/selection/wait-for-server.js';
import { FAST } from './support.js';

/** Compile-time check: the Topology is what crud's executor runs against. */
export const asOperationTarget = (topology: Topology): OperationTarget => topology;

function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

describe('Topology close', () => {
  it('leaves no sockets or timers open after close', async () => {
    const server = await MemoryServer.start();
    const before = resourceCounts();
    const topology = createTopology({ seeds: [`127.0.0.1:${server.port}`], ...FAST, serverMonitoringMode: 'stream' });
    const selected = await topology.selectServer({ readPreference: { mode: 'primary' }, operationName: 'ping' }, TimeoutContext.none());
    const connection = await selected.checkOut(TimeoutContext.none());
    await connection.command('admin', { ping: 1 });
    selected.checkIn(connection);
    // Let streaming and the RTT monitor get going.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(selected.monitor?.measuringRtt).toBe(true);
    await topology.close();
    // Socket handles go away once their close completes; the server is still up, so
    // only the client closing its sockets can make them disappear.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = resourceCounts();
    await server.stop();
    for (const kind of ['TCPSocketWrap', 'Timeout']) expect(after.get(kind) ?? 0, kind).toBeLessThanOrEqual(before.get(kind) ?? 0);
  });
});
