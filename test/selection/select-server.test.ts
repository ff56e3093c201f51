import { describe, expect, it } from 'vitest';
import { MongoCompatibilityError, MongoInvalidArgumentError } from '../../src/errors.js';
import { makeServerDescription } from '../../src/sdam/server-description.js';
import { makeTopologyDescription } from '../../src/sdam/topology-description.js';
import { validateMaxStaleness } from '../../src/selection/max-staleness.js';
import { pickServer } from '../../src/selection/pick-server.js';
import { selectServer } from '../../src/selection/select-server.js';

const mongos = (address: string, roundTripTime: number) => makeServerDescription(address, { type: 'Mongos', roundTripTime, maxWireVersion: 21 });
const sharded = makeTopologyDescription({ type: 'Sharded', servers: new Map([['a:27017', mongos('a', 5)], ['b:27017', mongos('b', 8)], ['c:27017', mongos('c', 100)]]) });

describe('pickServer', () => {
  it('always compares two distinct servers', () => {
    const servers = [mongos('a', 1), mongos('b', 1)];
    // Both draws at 0 would pick the same server twice without the distinctness rule.
    const picked = pickServer(servers, (address) => (address === 'a:27017' ? 5 : 1), () => 0);
    expect(picked?.address).toBe('b:27017');
  });

  it('returns undefined for an empty window', () => {
    expect(pickServer([], () => 0)).toBeUndefined();
  });
});

describe('selectServer', () => {
  it('selects within the latency window only', () => {
    const seen = new Set<string>();
    const draws = [0.1, 0.5, 0.9, 0.5, 0.99, 0.99];
    let n = 0;
    for (let i = 0; i < 20; i++) {
      const server = selectServer(sharded, { operation: 'write' }, { random: () => draws[n++ % draws.length] });
      if (server) seen.add(server.address);
    }
    expect([...seen].sort()).toEqual(['a:27017', 'b:27017']);
  });

  it('avoids deprioritized servers when another is suitable', () => {
    const server = selectServer(sharded, { operation: 'read', deprioritized: ['a:27017', 'b:27017'] });
    expect(server?.address).toBe('c:27017');
  });

  it('throws the compatibility error for an incompatible topology', () => {
    const old = makeTopologyDescription({ type: 'Single', servers: new Map([['a:27017', makeServerDescription('a', { type: 'Standalone', maxWireVersion: 3 })]]) });
    expect(() => selectServer(old, { operation: 'read' })).toThrow(MongoCompatibilityError);
  });
});

describe('validateMaxStaleness', () => {
  const rs = makeTopologyDescription({ type: 'ReplicaSetNoPrimary', servers: new Map(), heartbeatFrequencyMS: 100_000 });

  it('requires heartbeatFrequencyMS + idleWritePeriodMS and names the bound', () => {
    expect(() => validateMaxStaleness(rs, { mode: 'secondary', maxStalenessSeconds: 100 })).toThrow(/at least 110/);
    expect(() => validateMaxStaleness(rs, { mode: 'secondary', maxStalenessSeconds: 110 })).not.toThrow();
  });

  it('rejects maxStalenessSeconds with mode primary, and accepts -1 as no maximum', () => {
    expect(() => validateMaxStaleness(rs, { mode: 'primary', maxStalenessSeconds: 200 })).toThrow(MongoInvalidArgumentError);
    expect(() => validateMaxStaleness(rs, { mode: 'nearest', maxStalenessSeconds: -1 })).not.toThrow();
  });
});
