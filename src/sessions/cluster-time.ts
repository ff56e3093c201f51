// Cluster times ($clusterTime documents) and operation times, compared by their
// Timestamp only (seconds, then increment); the signature never takes part.
import { Timestamp, type Document } from '../bson.js';

/** A `$clusterTime` document as servers send it: { clusterTime: Timestamp, signature: {...} }. */
export type ClusterTime = Document;

/** The Timestamp inside a `$clusterTime` document, if it has one. */
export function clusterTimestampOf(value: unknown): Timestamp | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ts = (value as Document).clusterTime;
  return ts instanceof Timestamp ? ts : undefined;
}

/** Orders two Timestamps: negative, zero or positive. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.i === b.i ? 0 : a.i < b.i ? -1 : 1;
}

/** True when `candidate` is a usable cluster time newer than `current` (or current is unset). */
export function isNewerClusterTime(candidate: unknown, current: ClusterTime | undefined): candidate is ClusterTime {
  const next = clusterTimestampOf(candidate);
  if (next === undefined) return false;
  const known = clusterTimestampOf(current);
  return known === undefined || compareTimestamps(next, known) > 0;
}

/** The later of two cluster times (either may be unset). */
export function laterClusterTime(a: ClusterTime | undefined, b: ClusterTime | undefined): ClusterTime | undefined {
  if (a === undefined) return b;
  return isNewerClusterTime(b, a) ? b : a;
}
