// The latency window: suitable servers whose average RTT is within localThresholdMS
// of the fastest one.
import type { ServerDescription } from '../sdam/server-description.js';

/** A server without an RTT (a load balancer) counts as 0 ms: it is never excluded for lack of one. */
export function inLatencyWindow(servers: readonly ServerDescription[], localThresholdMS: number): ServerDescription[] {
  if (servers.length <= 1) return [...servers];
  const rtt = (server: ServerDescription): number => server.roundTripTime ?? 0;
  const fastest = Math.min(...servers.map(rtt));
  return servers.filter((server) => rtt(server) <= fastest + localThresholdMS);
}
