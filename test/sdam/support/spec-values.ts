// Turning spec-test JSON (extended JSON) into BSON values and comparable plain values.
import { EJSON, ObjectId, type Document } from '../../../src/bson.js';
import { parseTopologyVersion, type TopologyVersion } from '../../../src/sdam/topology-version.js';

export function fromExtendedJson<T = Document>(value: unknown): T {
  return EJSON.deserialize(value as Document, { relaxed: true }) as T;
}

export function objectIdOrNull(value: unknown): ObjectId | null {
  const parsed: unknown = fromExtendedJson({ v: value }).v;
  return parsed instanceof ObjectId ? parsed : null;
}

export function topologyVersionOf(value: unknown): TopologyVersion | null {
  return parseTopologyVersion(fromExtendedJson({ v: value }).v);
}
