import { describe, expect, it } from 'vitest';
import { Long, ObjectId } from '../../src/bson.js';
import { compareTopologyVersion, parseTopologyVersion } from '../../src/sdam/topology-version.js';

const pid = new ObjectId();
const tv = (counter: number, processId = pid) => parseTopologyVersion({ processId, counter: Long.fromNumber(counter) });

describe('compareTopologyVersion', () => {
  it('orders by counter within one process', () => {
    expect(compareTopologyVersion(tv(1), tv(2))).toBe(-1);
    expect(compareTopologyVersion(tv(2), tv(2))).toBe(0);
    expect(compareTopologyVersion(tv(3), tv(2))).toBe(1);
  });

  it('treats a missing version or a new process as newer', () => {
    expect(compareTopologyVersion(null, tv(1))).toBe(-1);
    expect(compareTopologyVersion(tv(5), null)).toBe(-1);
    expect(compareTopologyVersion(tv(5), tv(1, new ObjectId()))).toBe(-1);
  });

  it('rejects malformed documents', () => {
    expect(parseTopologyVersion({ processId: 'x', counter: 1 })).toBeNull();
    expect(parseTopologyVersion(undefined)).toBeNull();
  });
});
