// ServerDescription: an immutable value holding what one hello outcome told us
// about one server. Build it with the constructors here; never mutate it.
import { ObjectId, type Document } from '../bson.js';
import { MongoServerError, type MongoError } from '../errors.js';
import { normalizeAddress } from './address.js';
import { isDocument, isOk, stringList, toNumberOrNull, toStringOrNull } from './bson-values.js';
import { parseTopologyVersion, topologyVersionEquals, type TopologyVersion } from './topology-version.js';
import type { ServerType } from './types.js';

export interface ServerDescription {
  /** Normalized "host:port" the client connects to (not the server's own `me`). */
  readonly address: string;
  readonly type: ServerType;
  /** The last error seen for this server, if its description was reset because of it. */
  readonly error: MongoError | null;
  /** Average round-trip time in ms (EWMA); null while Unknown. */
  readonly roundTripTime: number | null;
  readonly minRoundTripTime: number | null;
  /** lastWrite.lastWriteDate in ms since the epoch. */
  readonly lastWriteDate: number | null;
  readonly opTime: Document | null;
  /** Null only when the server never reported them (load balancers). */
  readonly minWireVersion: number | null;
  readonly maxWireVersion: number | null;
  readonly me: string | null;
  readonly hosts: readonly string[];
  readonly passives: readonly string[];
  readonly arbiters: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly setName: string | null;
  readonly electionId: ObjectId | null;
  readonly setVersion: number | null;
  readonly primary: string | null;
  /** Monotonic ms when this description was produced; -Infinity means never checked. */
  readonly lastUpdateTime: number;
  readonly logicalSessionTimeoutMinutes: number | null;
  readonly topologyVersion: TopologyVersion | null;
  readonly iscryptd: boolean | null;
  readonly serviceId: ObjectId | null;
}

const DEFAULTS: Omit<ServerDescription, 'address'> = {
  type: 'Unknown',
  error: null,
  roundTripTime: null,
  minRoundTripTime: null,
  lastWriteDate: null,
  opTime: null,
  minWireVersion: 0,
  maxWireVersion: 0,
  me: null,
  hosts: [],
  passives: [],
  arbiters: [],
  tags: {},
  setName: null,
  electionId: null,
  setVersion: null,
  primary: null,
  lastUpdateTime: Number.NEGATIVE_INFINITY,
  logicalSessionTimeoutMinutes: null,
  topologyVersion: null,
  iscryptd: null,
  serviceId: null,
};

/** A description with the given fields and spec defaults for the rest (frozen). */
export function makeServerDescription(address: string, fields: Partial<Omit<ServerDescription, 'address'>> = {}): ServerDescription {
  const description: ServerDescription = {
    ...DEFAULTS,
    ...fields,
    address: normalizeAddress(address),
    hosts: Object.freeze([...(fields.hosts ?? [])]),
    passives: Object.freeze([...(fields.passives ?? [])]),
    arbiters: Object.freeze([...(fields.arbiters ?? [])]),
    tags: Object.freeze({ ...(fields.tags ?? {}) }),
  };
  return Object.freeze(description);
}

/** The default Unknown description, optionally remembering why and the error's topologyVersion. */
export function unknownServerDescription(
  address: string,
  options: { error?: MongoError | null; topologyVersion?: TopologyVersion | null } = {},
): ServerDescription {
  return makeServerDescription(address, { error: options.error ?? null, topologyVersion: options.topologyVersion ?? null });
}

/** A load balancer: only the address is set (load-balancers spec), wire versions stay unset. */
export function loadBalancerServerDescription(address: string): ServerDescription {
  return makeServerDescription(address, { type: 'LoadBalancer', minWireVersion: null, maxWireVersion: null });
}

export interface HelloOutcome {
  /** Average RTT already folded in by the monitor (see averageRoundTripTime). */
  roundTripTime?: number | null;
  minRoundTripTime?: number | null;
  /** Monotonic ms of the check; defaults to performance.now(). */
  now?: number;
}

/** Builds the description a successful (or `ok: 0`) hello reply implies. */
export function serverDescriptionFromHello(address: string, hello: Document, outcome: HelloOutcome = {}): ServerDescription {
  const lastUpdateTime = outcome.now ?? performance.now();
  const topologyVersion = parseTopologyVersion(hello.topologyVersion);
  if (!isOk(hello)) {
    return makeServerDescription(address, { error: new MongoServerError(hello), topologyVersion, lastUpdateTime });
  }
  const lastWrite = isDocument(hello.lastWrite) ? hello.lastWrite : null;
  const me = toStringOrNull(hello.me);
  const primary = toStringOrNull(hello.primary);
  return makeServerDescription(address, {
    type: serverTypeFromHello(hello),
    roundTripTime: outcome.roundTripTime ?? null,
    minRoundTripTime: outcome.minRoundTripTime ?? null,
    lastWriteDate: lastWrite ? toNumberOrNull(lastWrite.lastWriteDate) : null,
    opTime: lastWrite && isDocument(lastWrite.opTime) ? lastWrite.opTime : null,
    minWireVersion: toNumberOrNull(hello.minWireVersion) ?? 0,
    maxWireVersion: toNumberOrNull(hello.maxWireVersion) ?? 0,
    me: me === null ? null : normalizeAddress(me),
    hosts: stringList(hello.hosts).map(normalizeAddress),
    passives: stringList(hello.passives).map(normalizeAddress),
    arbiters: stringList(hello.arbiters).map(normalizeAddress),
    tags: parseTags(hello.tags),
    setName: toStringOrNull(hello.setName),
    electionId: hello.electionId instanceof ObjectId ? hello.electionId : null,
    setVersion: toNumberOrNull(hello.setVersion),
    primary: primary === null ? null : normalizeAddress(primary),
    lastUpdateTime,
    logicalSessionTimeoutMinutes: toNumberOrNull(hello.logicalSessionTimeoutMinutes),
    topologyVersion,
    iscryptd: typeof hello.iscryptd === 'boolean' ? hello.iscryptd : null,
    serviceId: hello.serviceId instanceof ObjectId ? hello.serviceId : null,
  });
}

/** The spec's type table; `isWritablePrimary` wins over the legacy `ismaster` when both are present. */
export function serverTypeFromHello(hello: Document): ServerType {
  if (!isOk(hello)) return 'Unknown';
  if (hello.isreplicaset === true) return 'RSGhost';
  if (hello.msg === 'isdbgrid') return 'Mongos';
  if (typeof hello.setName === 'string') {
    if (hello.hidden === true) return 'RSOther';
    const writable = 'isWritablePrimary' in hello ? hello.isWritablePrimary : hello.ismaster;
    if (writable === true) return 'RSPrimary';
    if (hello.secondary === true) return 'RSSecondary';
    if (hello.arbiterOnly === true) return 'RSArbiter';
    return 'RSOther';
  }
  return 'Standalone';
}

function parseTags(value: unknown): Record<string, string> {
  if (!isDocument(value)) return {};
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value)) if (typeof tag === 'string') tags[key] = tag;
  return tags;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((item) => set.has(item));
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function sameObjectId(a: ObjectId | null, b: ObjectId | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** The spec's "Server Description Equality": only the (=) fields count; RTT and update time do not. */
export function serverDescriptionEquals(a: ServerDescription, b: ServerDescription): boolean {
  return (
    a.address === b.address &&
    a.type === b.type &&
    (a.error?.message ?? null) === (b.error?.message ?? null) &&
    a.minWireVersion === b.minWireVersion &&
    a.maxWireVersion === b.maxWireVersion &&
    a.me === b.me &&
    sameSet(a.hosts, b.hosts) &&
    sameSet(a.passives, b.passives) &&
    sameSet(a.arbiters, b.arbiters) &&
    sameTags(a.tags, b.tags) &&
    a.setName === b.setName &&
    sameObjectId(a.electionId, b.electionId) &&
    a.setVersion === b.setVersion &&
    a.primary === b.primary &&
    a.logicalSessionTimeoutMinutes === b.logicalSessionTimeoutMinutes &&
    topologyVersionEquals(a.topologyVersion, b.topologyVersion) &&
    a.iscryptd === b.iscryptd
  );
}

/** Every address this member says belongs to the replica set. */
export function memberAddresses(description: ServerDescription): string[] {
  return [...description.hosts, ...description.passives, ...description.arbiters];
}
