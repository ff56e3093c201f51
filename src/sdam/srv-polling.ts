// SRV polling for mongos discovery (polling-srv-records-for-mongos-discovery spec):
// a pure rule for applying a rescan's hosts to a topology description, and the
// poller that rescans every rescanSRVIntervalMS (heartbeatFrequencyMS while the
// last rescan found nothing usable).
import { domainMismatch } from '../connection/srv/seedlist.js';
import type { DnsResolver } from '../connection/srv/resolver.js';
import { sleep } from '../util/sleep.js';
import { normalizeAddress } from './address.js';
import { unknownServerDescription, type ServerDescription } from './server-description.js';
import { freezeTopology, type TopologyDescription } from './topology-description.js';
import type { TopologyType } from './types.js';

/** The spec's floor for rescans (DNS TTLs are not visible through node:dns SRV lookups). */
export const DEFAULT_RESCAN_SRV_INTERVAL_MS = 60_000;

/** Only these topologies follow SRV changes; any other type stops polling for good. */
export function isSrvPollingTopology(type: TopologyType): boolean {
  return type === 'Unknown' || type === 'Sharded';
}

/**
 * The description after a rescan returned `hosts` (already verified, non-empty):
 * servers no longer listed are removed, unchanged ones kept as they are, and new
 * ones added as Unknown — all of them, or with srvMaxHosts > 0 randomly chosen
 * ones until the topology holds srvMaxHosts servers.
 */
export function applySrvHosts(
  description: TopologyDescription,
  hosts: readonly string[],
  srvMaxHosts: number,
  random: () => number = Math.random,
): TopologyDescription {
  const listed = new Set(hosts.map(normalizeAddress));
  const servers = new Map<string, ServerDescription>();
  for (const [address, server] of description.servers) if (listed.has(address)) servers.set(address, server);
  let added = [...listed].filter((address) => !servers.has(address));
  if (srvMaxHosts > 0) added = shuffled(added, random).slice(0, Math.max(0, srvMaxHosts - servers.size));
  for (const address of added) servers.set(address, unknownServerDescription(address));
  if (servers.size === description.servers.size && added.length === 0) return description;
  return freezeTopology({ ...description, servers });
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export interface SrvPollingSettings {
  readonly srvHost: string;
  /** Default 'mongodb'. */
  readonly serviceName?: string;
  /** 0 = no limit. */
  readonly srvMaxHosts?: number;
  readonly resolver: DnsResolver;
  /** Default 60 s (tests lower it). */
  readonly rescanIntervalMS?: number;
}

export interface SrvPollerOptions extends SrvPollingSettings {
  readonly heartbeatFrequencyMS: number;
  /** Receives each rescan's verified hosts ("host:port"), never an empty list. */
  readonly onHosts: (hosts: string[]) => void;
  /** Rescan problems (the spec: log, never raise); default: ignored. */
  readonly onProblem?: (message: string) => void;
}

export class SrvPoller {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: SrvPollerOptions) {}

  start(): void {
    this.loop ??= this.run(this.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let interval = this.options.rescanIntervalMS ?? DEFAULT_RESCAN_SRV_INTERVAL_MS;
    for (;;) {
      await sleep(interval, signal);
      if (signal.aborted) return;
      const hosts = await this.rescan();
      if (signal.aborted) return;
      if (hosts.length === 0) {
        interval = this.options.heartbeatFrequencyMS;
        continue;
      }
      interval = this.options.rescanIntervalMS ?? DEFAULT_RESCAN_SRV_INTERVAL_MS;
      this.options.onHosts(hosts);
    }
  }

  /** The verified hosts of one lookup; empty on any failure (which changes nothing). */
  async rescan(): Promise<string[]> {
    const { srvHost, resolver } = this.options;
    const query = `_${this.options.serviceName ?? 'mongodb'}._tcp.${srvHost}`;
    let records;
    try {
      records = await resolver.resolveSrv(query);
    } catch (error) {
      this.options.onProblem?.(`SRV rescan of ${query} failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
    const hosts: string[] = [];
    for (const record of records) {
      const target = record.name.replace(/\.$/, '').toLowerCase();
      const mismatch = domainMismatch(srvHost, target);
      if (mismatch !== undefined) {
        this.options.onProblem?.(`SRV rescan of ${query} ignored ${target}:${record.port}: ${mismatch}`);
        continue;
      }
      hosts.push(normalizeAddress(`${target}:${record.port}`));
    }
    if (hosts.length === 0) this.options.onProblem?.(`SRV rescan of ${query} found no usable records; the topology is unchanged`);
    return [...new Set(hosts)];
  }
}
