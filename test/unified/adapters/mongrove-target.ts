// The Client target for tests with fail points, which the unified format lets runners
// speed up: the driver's own TopologyTarget with its test-only monitoring overrides
// (minHeartbeatFrequencyMS is no client option: server-monitoring.md forbids the knob).
// mongrove streams hello and, as server-monitoring.md requires, ignores a check request
// while an awaited hello is in flight: after a state-change error the server stays Unknown
// until that hello returns, i.e. up to heartbeatFrequencyMS. A short one keeps each retry
// test at a few tens of ms instead of the runner's 500 ms (100 ms here made retryable-reads
// alone take ~27 s of idle waiting; 20 ms, ~11 s, with the same tests and assertions).
import { defaultTargetFactory, type TargetFactory } from '../../../src/crud/client.js';

const FAILPOINT_HEARTBEAT_MS = 20;

export function fastRecheckTargetFactory(minHeartbeatFrequencyMS: number): TargetFactory {
  return (settings, events, source) =>
    defaultTargetFactory(settings, events, {
      ...source,
      monitoringForTests: { minHeartbeatFrequencyMS, heartbeatFrequencyMS: Math.min(settings.heartbeatFrequencyMS, FAILPOINT_HEARTBEAT_MS) },
    });
}
