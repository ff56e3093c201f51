// topologyVersion: the server's own ordering of its state changes, used to drop
// hello replies and state-change errors older than what we already know.
import { Long, ObjectId, type Document } from '../bson.js';

export interface TopologyVersion {
  readonly processId: ObjectId;
  readonly counter: bigint;
}

/** Reads a topologyVersion subdocument; null when absent or malformed. */
export function parseTopologyVersion(value: unknown): TopologyVersion | null {
  if (typeof value !== 'object' || value === null) return null;
  const doc = value as Document;
  const processId = doc.processId;
  const counter = toBigInt(doc.counter);
  if (!(processId instanceof ObjectId) || counter === null) return null;
  return Object.freeze({ processId, counter });
}

function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Long.isLong(value)) return value.toBigInt();
  if (typeof value === 'object' && value !== null && typeof (value as { valueOf(): unknown }).valueOf() === 'number') {
    const n = (value as { valueOf(): number }).valueOf();
    return Number.isInteger(n) ? BigInt(n) : null;
  }
  return null;
}

/**
 * -1 when `current` is older than `incoming` (or either is missing, or the process changed: assume newer),
 * 0 when equal, 1 when `current` is newer than `incoming`.
 */
export function compareTopologyVersion(current: TopologyVersion | null, incoming: TopologyVersion | null): -1 | 0 | 1 {
  if (current === null || incoming === null) return -1;
  if (!current.processId.equals(incoming.processId)) return -1;
  if (current.counter === incoming.counter) return 0;
  return current.counter < incoming.counter ? -1 : 1;
}

export function topologyVersionEquals(a: TopologyVersion | null, b: TopologyVersion | null): boolean {
  if (a === null || b === null) return a === b;
  return a.processId.equals(b.processId) && a.counter === b.counter;
}
