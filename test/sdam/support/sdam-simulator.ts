// Drives the pure SDAM functions the way a Topology shell would, without I/O:
// hello replies and application errors in, descriptions, pool generations and events out.
import type { Document } from '../../../src/bson.js';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoWriteConcernError, type MongoError } from '../../../src/errors.js';
import { normalizeAddress } from '../../../src/sdam/address.js';
import { applicationErrorFrom, handleApplicationError } from '../../../src/sdam/application-error.js';
import { diffEvents, openingEvents, type SdamEvent } from '../../../src/sdam/events.js';
import { loadBalancerServerDescription, serverDescriptionFromHello, unknownServerDescription } from '../../../src/sdam/server-description.js';
import { createTopologyDescription, type TopologyDescription, type TopologyOptions } from '../../../src/sdam/topology-description.js';
import { updateTopology } from '../../../src/sdam/update-topology.js';

export interface SimulatedApplicationError {
  address: string;
  generation?: number;
  maxWireVersion: number;
  when: 'beforeHandshakeCompletes' | 'afterHandshakeCompletes';
  type: 'command' | 'network' | 'timeout';
  response?: Document;
}

const TOPOLOGY_ID = 1;

export class SdamSimulator {
  description: TopologyDescription;
  readonly events: SdamEvent[] = [];
  private readonly generations = new Map<string, number>();
  private clock = 0;

  constructor(options: TopologyOptions) {
    this.description = createTopologyDescription(options);
    this.events.push(...openingEvents(TOPOLOGY_ID, this.description));
    if (this.description.type === 'LoadBalanced') {
      for (const address of this.description.servers.keys()) this.apply(address, () => loadBalancerServerDescription(address));
    }
  }

  poolGeneration(address: string): number {
    return this.generations.get(normalizeAddress(address)) ?? 0;
  }

  /** One monitor check: `{}` stands for a network error, which also clears the pool (server-monitoring spec). */
  applyHello(rawAddress: string, hello: Document): void {
    const address = normalizeAddress(rawAddress);
    this.clock += 1;
    if (Object.keys(hello).length === 0) {
      if (this.description.servers.has(address)) this.clearPool(address);
      const error = new MongoNetworkError(`connection to ${address} failed during a check`);
      this.apply(address, () => unknownServerDescription(address, { error }));
      return;
    }
    this.apply(address, () => serverDescriptionFromHello(address, hello, { roundTripTime: 1, now: this.clock }));
  }

  applyError(spec: SimulatedApplicationError): void {
    const address = normalizeAddress(spec.address);
    const error = mockError(spec);
    if (error === null) return;
    const described = applicationErrorFrom(error, {
      address,
      generation: spec.generation ?? this.poolGeneration(address),
      maxWireVersion: spec.maxWireVersion,
      completedHandshake: spec.when === 'afterHandshakeCompletes',
    });
    if (described === null) return;
    const previous = this.description;
    const result = handleApplicationError(previous, this.poolGeneration(address), described);
    this.description = result.description;
    if (result.clearPool) this.clearPool(address);
    this.events.push(...diffEvents(TOPOLOGY_ID, previous, this.description, address));
  }

  private apply(address: string, build: () => Parameters<typeof updateTopology>[1]): void {
    const previous = this.description;
    this.description = updateTopology(previous, build());
    this.events.push(...diffEvents(TOPOLOGY_ID, previous, this.description, address));
  }

  private clearPool(address: string): void {
    this.generations.set(address, this.poolGeneration(address) + 1);
  }
}

/** The error a connection would have thrown; null for a reply that is not an error (e.g. only writeErrors). */
function mockError(spec: SimulatedApplicationError): MongoError | null {
  if (spec.type === 'network') return new MongoNetworkError(`simulated network error on ${spec.address}`);
  if (spec.type === 'timeout') return new MongoNetworkTimeoutError(`simulated timeout on ${spec.address}`);
  const response = spec.response ?? {};
  if (response.ok === 0 || response.ok === false) return new MongoServerError(response);
  const wce: unknown = response.writeConcernError;
  if (typeof wce === 'object' && wce !== null) return new MongoWriteConcernError(wce as Document, response);
  return null;
}
