// A Client target with faster server checks for tests with fail points, which the unified
// format lets runners speed up (ClientOptions has no minHeartbeatFrequencyMS). mongrove
// streams hello and, as server-monitoring.md requires, ignores a check request while an
// awaited hello is in flight: after a state-change error the server stays Unknown until
// that hello returns, i.e. up to heartbeatFrequencyMS. A short one keeps each retry test
// near 100 ms instead of the runner's 500 ms.
import { nodeDnsResolver } from '../../../src/connection/srv/resolver.js';
import type { DriverInfo } from '../../../src/connection/uri/types.js';
import type { TimeoutContext } from '../../../src/connection/timeout-context.js';
import type { TargetFactory } from '../../../src/index.js';
import { topologySettingsFrom } from '../../../src/sdam/topology-settings.js';
import type { Topology } from '../../../src/sdam/topology.js';
import { createTopology } from '../../../src/selection/wait-for-server.js';
import type { OperationTarget, SelectionCriteria, ServerHandle, TopologyTypeName } from '../../../src/crud/target.js';

const FAILPOINT_HEARTBEAT_MS = 100;

class FastRecheckTarget implements OperationTarget {
  private isClosed = false;
  private opened = false;

  constructor(private readonly topology: Topology) {}

  get closed(): boolean {
    return this.isClosed;
  }

  get topologyType(): TopologyTypeName {
    return this.topology.topologyType;
  }

  /** As TopologyTarget: without it the client would fall back to the last server's value and, on close, wait to select an Unknown server for endSessions. */
  get logicalSessionTimeoutMinutes(): number | null {
    return this.topology.description.logicalSessionTimeoutMinutes ?? null;
  }

  appendMetadata(info: DriverInfo): void {
    this.topology.appendMetadata(info);
  }

  private open(): Topology {
    if (!this.opened) {
      this.opened = true;
      this.topology.open();
    }
    return this.topology;
  }

  async connect(ctx: TimeoutContext): Promise<void> {
    await this.open().connect(ctx);
  }

  selectServer(criteria: SelectionCriteria, ctx: TimeoutContext): Promise<ServerHandle> {
    return this.open().selectServer(criteria, ctx);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    if (this.opened) await this.topology.close();
  }
}

/** For plain mongodb:// strings only (the runner's targets); SRV resolution is TopologyTarget's job. */
export function fastRecheckTargetFactory(minHeartbeatFrequencyMS: number): TargetFactory {
  return (settings, events) =>
    new FastRecheckTarget(
      createTopology({
        ...topologySettingsFrom(settings, nodeDnsResolver, { events }),
        minHeartbeatFrequencyMS,
        heartbeatFrequencyMS: Math.min(settings.heartbeatFrequencyMS, FAILPOINT_HEARTBEAT_MS),
      }),
    );
}
