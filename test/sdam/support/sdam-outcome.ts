// Assertions of an SDAM spec test's expected outcome against a TopologyDescription,
// checking exactly the fields the test file lists.
import { expect } from 'vitest';
import type { Document } from '../../../src/bson.js';
import type { SdamEvent } from '../../../src/sdam/events.js';
import type { ServerDescription } from '../../../src/sdam/server-description.js';
import type { TopologyDescription } from '../../../src/sdam/topology-description.js';
import { topologyVersionEquals } from '../../../src/sdam/topology-version.js';
import { objectIdOrNull, topologyVersionOf } from './spec-values.js';

export interface ExpectedServer {
  type: string;
  error?: string;
  setName?: string | null;
  setVersion?: number | null;
  electionId?: unknown;
  logicalSessionTimeoutMinutes?: number | null;
  minWireVersion?: number | null;
  maxWireVersion?: number | null;
  topologyVersion?: unknown;
  pool?: { generation: number };
}

export interface ExpectedTopology {
  topologyType: string;
  setName?: string | null;
  servers: Record<string, ExpectedServer>;
  logicalSessionTimeoutMinutes?: number | null;
  maxSetVersion?: number | null;
  maxElectionId?: unknown;
  compatible?: boolean;
}

function hexOrNull(value: { toHexString(): string } | null): string | null {
  return value === null ? null : value.toHexString();
}

export function assertTopology(actual: TopologyDescription, expected: ExpectedTopology, poolGeneration: (address: string) => number): void {
  expect(actual.type, 'topologyType').toBe(expected.topologyType);
  if ('setName' in expected) expect(actual.setName, 'setName').toBe(expected.setName ?? null);
  if ('logicalSessionTimeoutMinutes' in expected) {
    expect(actual.logicalSessionTimeoutMinutes, 'logicalSessionTimeoutMinutes').toBe(expected.logicalSessionTimeoutMinutes ?? null);
  }
  if ('maxSetVersion' in expected) expect(actual.maxSetVersion, 'maxSetVersion').toBe(expected.maxSetVersion ?? null);
  if ('maxElectionId' in expected) {
    expect(hexOrNull(actual.maxElectionId), 'maxElectionId').toBe(hexOrNull(objectIdOrNull(expected.maxElectionId)));
  }
  if ('compatible' in expected) expect(actual.compatible, 'compatible').toBe(expected.compatible);
  expect([...actual.servers.keys()].sort(), 'server addresses').toEqual(Object.keys(expected.servers).sort());
  for (const [address, server] of Object.entries(expected.servers)) {
    const description = actual.servers.get(address);
    if (description === undefined) throw new Error(`server ${address} missing`);
    assertServer(description, server, poolGeneration(address));
  }
}

function assertServer(actual: ServerDescription, expected: ExpectedServer, generation: number): void {
  const at = actual.address;
  expect(actual.type, `${at} type`).toBe(expected.type);
  if (expected.error !== undefined) expect(actual.error?.message ?? '', `${at} error`).toContain(expected.error);
  if ('setName' in expected) expect(actual.setName, `${at} setName`).toBe(expected.setName ?? null);
  if ('setVersion' in expected) expect(actual.setVersion, `${at} setVersion`).toBe(expected.setVersion ?? null);
  if ('electionId' in expected) expect(hexOrNull(actual.electionId), `${at} electionId`).toBe(hexOrNull(objectIdOrNull(expected.electionId)));
  if ('logicalSessionTimeoutMinutes' in expected) {
    expect(actual.logicalSessionTimeoutMinutes, `${at} logicalSessionTimeoutMinutes`).toBe(expected.logicalSessionTimeoutMinutes ?? null);
  }
  if ('minWireVersion' in expected) expect(actual.minWireVersion, `${at} minWireVersion`).toBe(expected.minWireVersion ?? null);
  if ('maxWireVersion' in expected) expect(actual.maxWireVersion, `${at} maxWireVersion`).toBe(expected.maxWireVersion ?? null);
  if ('topologyVersion' in expected) {
    const wanted = topologyVersionOf(expected.topologyVersion);
    expect(topologyVersionEquals(actual.topologyVersion, wanted), `${at} topologyVersion ${String(actual.topologyVersion?.counter)}`).toBe(true);
  }
  if (expected.pool !== undefined) expect(generation, `${at} pool generation`).toBe(expected.pool.generation);
}

/** Event → the plain shape the monitoring tests use, keeping only the keys the expectation has. */
export function assertEvents(actual: readonly SdamEvent[], expected: readonly Document[]): void {
  expect(actual.map((e) => e.name), 'event sequence').toEqual(expected.map((e) => EVENT_NAMES[Object.keys(e)[0]] ?? Object.keys(e)[0]));
  expected.forEach((wrapper, i) => {
    const body = Object.values(wrapper)[0] as Document;
    const event = actual[i];
    if ('address' in event) expect(event.address, `event ${i} address`).toBe(body.address);
    if (event.name === 'serverDescriptionChanged') {
      assertServerShape(event.previousDescription, body.previousDescription as Document, `event ${i} previous`);
      assertServerShape(event.newDescription, body.newDescription as Document, `event ${i} new`);
    }
    if (event.name === 'topologyDescriptionChanged') {
      assertTopologyShape(event.previousDescription, body.previousDescription as Document, `event ${i} previous`);
      assertTopologyShape(event.newDescription, body.newDescription as Document, `event ${i} new`);
    }
  });
}

const EVENT_NAMES: Record<string, SdamEvent['name']> = {
  topology_opening_event: 'topologyOpening',
  topology_description_changed_event: 'topologyDescriptionChanged',
  server_opening_event: 'serverOpening',
  server_closed_event: 'serverClosed',
  server_description_changed_event: 'serverDescriptionChanged',
};

function assertTopologyShape(actual: TopologyDescription, expected: Document, label: string): void {
  expect(actual.type, `${label} topologyType`).toBe(expected.topologyType);
  if ('setName' in expected) expect(actual.setName, `${label} setName`).toBe(expected.setName);
  const servers = expected.servers as Document[];
  expect([...actual.servers.keys()].sort(), `${label} servers`).toEqual(servers.map((s) => String(s.address)).sort());
  for (const server of servers) {
    const description = actual.servers.get(String(server.address));
    if (description === undefined) throw new Error(`${label}: ${String(server.address)} missing`);
    assertServerShape(description, server, `${label} ${String(server.address)}`);
  }
}

function assertServerShape(actual: ServerDescription, expected: Document, label: string): void {
  expect(actual.address, `${label} address`).toBe(expected.address);
  expect(actual.type, `${label} type`).toBe(expected.type);
  for (const key of ['hosts', 'passives', 'arbiters'] as const) {
    if (key in expected) expect([...actual[key]].sort(), `${label} ${key}`).toEqual([...(expected[key] as string[])].sort());
  }
  if ('primary' in expected) expect(actual.primary, `${label} primary`).toBe(expected.primary);
  if ('setName' in expected) expect(actual.setName, `${label} setName`).toBe(expected.setName);
}
