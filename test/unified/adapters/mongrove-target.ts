// The Client target for tests with fail points, which the unified format lets runners
// speed up: the driver's own TopologyTarget with its test-only monitoring overrides
// (minHeartbeatFrequencyMS is no client option: server-monitoring.md forbids the knob).
// mongrove streams hello and, as server-monitoring.md requires, ignores a check request
// while an awaited hello is in flight: after a state-change error the server stays Unknown
// until that hello returns, i.e. up to heartbeatFrequencyMS. A short one keeps each retry
// test near 100 ms instead of the runner's 500 ms.
import { defaultTargetFactory, type TargetFactory } from '../../../src/crud/client.js';

const FAILPOINT_HEARTBEAT_MS = 100;

export function fastRecheckTargetFactory(minHeartbeatFrequencyMS: number): TargetFactory {
  return (settings, events, source) =>
    defaultTargetFactory(settings, events, {
      ...source,
      monitoringForTests: { minHeartbeatFrequencyMS, heartbeatFrequencyMS: Math.min(settings.heartbeatFrequencyMS, FAILPOINT_HEARTBEAT_MS) },
    });
}
