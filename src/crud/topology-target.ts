// The Client's OperationTarget: the SDAM Topology, built on first use. Building it
// waits for the first use because a mongodb+srv:// string needs its SRV and TXT
// lookups (async) before the seed list and options are known.
import type { TimeoutContext } from '../connection/timeout-context.js';
import { nodeDnsResolver, type DnsResolver } from '../connection/srv/resolver.js';
import { parseConnectionStringWithSrv } from '../connection/srv/seedlist.js';
import { validateDriverInfo } from '../connection/uri/build.js';
import type { ClientOptionsInput, DriverInfo, ParsedConnectionString } from '../connection/uri/types.js';
import { MongoClientClosedError, MongoInvalidArgumentError } from '../errors.js';
import type { EventTarget } from '../monitoring/event-sink.js';
import type { MongoLogger } from '../monitoring/logger/index.js';
import type { Topology } from '../sdam/topology.js';
import type { TopologyEventMap } from '../sdam/topology-events.js';
import { topologySettingsFrom } from '../sdam/topology-settings.js';
import { createTopology } from '../selection/wait-for-server.js';
import type { OperationTarget, SelectionCriteria, ServerHandle, TopologyTypeName } from './target.js';

export interface TopologyTargetSource {
  /** The connection string as the application gave it (re-parsed with TXT options for +srv). */
  readonly uri: string;
  readonly options: ClientOptionsInput;
  readonly resolver?: DnsResolver;
  /** The client's logger when it logs anything (server selection logs through it). */
  readonly logger?: MongoLogger | undefined;
  /** @internal Tests only: see MonitoringTestOverrides. */
  readonly monitoringForTests?: MonitoringTestOverrides;
}

/**
 * @internal Test-only monitoring knobs, reachable through a TargetFactory, never a client
 * option: server-monitoring.md fixes minHeartbeatFrequencyMS at 500 ms and heartbeatFrequencyMS
 * at 500 ms or more for applications, while the unified test format lets runners shorten both
 * so fail-point tests do not wait for the next check.
 */
export interface MonitoringTestOverrides {
  readonly minHeartbeatFrequencyMS?: number;
  readonly heartbeatFrequencyMS?: number;
}

export class TopologyTarget implements OperationTarget {
  private topology: Topology | undefined;
  private opening: Promise<Topology> | undefined;
  private isClosed = false;
  /** Driver info appended before the topology exists; applied when it is built. */
  private readonly appendedDriverInfo: DriverInfo[] = [];

  constructor(
    private readonly settings: ParsedConnectionString,
    private readonly events: EventTarget<TopologyEventMap>,
    private readonly source: TopologyTargetSource,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  get topologyType(): TopologyTypeName {
    return this.topology?.topologyType ?? 'Unknown';
  }

  get logicalSessionTimeoutMinutes(): number | null {
    return this.topology?.description.logicalSessionTimeoutMinutes ?? null;
  }

  async connect(ctx: TimeoutContext): Promise<void> {
    await (await this.open()).connect(ctx);
  }

  async selectServer(criteria: SelectionCriteria, ctx: TimeoutContext): Promise<ServerHandle> {
    const topology = this.topology ?? (await this.open());
    return topology.selectServer(criteria, ctx);
  }

  /** mongodb-handshake "Metadata updates after MongoClient initialization": connections made from now on carry `info`. */
  appendMetadata(info: DriverInfo): void {
    const checked = validateDriverInfo(info);
    if (checked === undefined) throw new MongoInvalidArgumentError('appendMetadata needs a driverInfo object { name?, version?, platform? }');
    if (this.topology !== undefined) this.topology.appendMetadata(checked);
    else this.appendedDriverInfo.push(checked);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    const opening = this.opening;
    if (opening === undefined) return;
    const topology = await opening.catch(() => undefined);
    await topology?.close();
  }

  private open(): Promise<Topology> {
    if (this.isClosed) return Promise.reject(new MongoClientClosedError('the client is closed'));
    this.opening ??= this.build();
    return this.opening;
  }

  private async build(): Promise<Topology> {
    const resolver = this.source.resolver ?? nodeDnsResolver;
    const parsed = this.settings.isSrv ? await parseConnectionStringWithSrv(this.source.uri, this.source.options, resolver) : this.settings;
    if (this.isClosed) throw new MongoClientClosedError('the client was closed while it was connecting');
    const settings = topologySettingsFrom(parsed, resolver, { events: this.events, logger: this.source.logger });
    const overrides = this.source.monitoringForTests;
    const topology = createTopology(
      overrides === undefined
        ? settings
        : {
            ...settings,
            minHeartbeatFrequencyMS: overrides.minHeartbeatFrequencyMS ?? settings.minHeartbeatFrequencyMS,
            heartbeatFrequencyMS: overrides.heartbeatFrequencyMS ?? settings.heartbeatFrequencyMS,
          },
    );
    for (const info of this.appendedDriverInfo.splice(0)) topology.appendMetadata(info);
    topology.open();
    this.topology = topology;
    return topology;
  }
}
