import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ObjectId, type Document } from '../../src/bson.js';
import { MongoInvalidArgumentError } from '../../src/errors.js';
import { serverDescriptionFromHello } from '../../src/sdam/server-description.js';
import { createTopologyDescription, type TopologyDescription } from '../../src/sdam/topology-description.js';
import { updateTopology } from '../../src/sdam/update-topology.js';
import { MAX_SUPPORTED_WIRE_VERSION } from '../../src/sdam/wire-versions.js';

const HOSTS = ['a:27017', 'b:27017', 'c:27017'];

const helloArbitrary: fc.Arbitrary<[string, Document]> = fc.tuple(
  fc.constantFrom(...HOSTS),
  fc.oneof(
    fc.constant({}),
    fc.record({
      ok: fc.constant(1),
      setName: fc.constantFrom('rs', 'other'),
      isWritablePrimary: fc.boolean(),
      secondary: fc.boolean(),
      hosts: fc.subarray(HOSTS, { minLength: 1 }),
      setVersion: fc.integer({ min: 1, max: 3 }),
      electionId: fc.integer({ min: 1, max: 3 }).map((n) => new ObjectId(n.toString(16).padStart(24, '0'))),
      maxWireVersion: fc.constantFrom(9, 17, 21),
    }),
    fc.constant({ ok: 1, msg: 'isdbgrid', maxWireVersion: 21 }),
    fc.constant({ ok: 1, maxWireVersion: 21 }),
  ),
);

function snapshot(description: TopologyDescription): unknown {
  return { ...description, servers: [...description.servers.entries()] };
}

describe('updateTopology', () => {
  it('is pure and keeps the replica-set invariants over random reply sequences', () => {
    fc.assert(
      fc.property(fc.array(helloArbitrary, { maxLength: 12 }), fc.boolean(), (replies, withSetName) => {
        let description = createTopologyDescription({ seeds: HOSTS, setName: withSetName ? 'rs' : null });
        for (const [address, hello] of replies) {
          const before = snapshot(description);
          const server = serverDescriptionFromHello(address, hello, { now: 0 });
          const next = updateTopology(description, server);
          expect(snapshot(description)).toEqual(before);
          expect(Object.isFrozen(next)).toBe(true);
          const primaries = [...next.servers.values()].filter((s) => s.type === 'RSPrimary');
          expect(primaries.length).toBeLessThanOrEqual(1);
          if (next.type === 'ReplicaSetWithPrimary') expect(primaries.length).toBe(1);
          if (next.type === 'ReplicaSetNoPrimary') expect(primaries.length).toBe(0);
          if (withSetName) expect(next.setName).toBe('rs');
          description = next;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ignores replies from servers no longer in the topology', () => {
    const description = createTopologyDescription({ seeds: ['a'] , setName: 'rs' });
    expect(updateTopology(description, serverDescriptionFromHello('z', { ok: 1 }))).toBe(description);
  });

  it('reports the compatibility error worded by the spec', () => {
    const description = createTopologyDescription({ seeds: ['a'], directConnection: true });
    const old = updateTopology(description, serverDescriptionFromHello('a', { ok: 1, minWireVersion: 0, maxWireVersion: 2 }));
    expect(old.compatible).toBe(false);
    expect(old.compatibilityError).toBe('Server at a:27017 reports wire version 2, but this version of mongrove requires at least 8 (MongoDB 4.2).');
    const future = updateTopology(description, serverDescriptionFromHello('a', { ok: 1, minWireVersion: 999, maxWireVersion: 1000 }));
    expect(future.compatibilityError).toBe(`Server at a:27017 requires wire version 999, but this version of mongrove only supports up to ${MAX_SUPPORTED_WIRE_VERSION}.`);
  });

  it('names the stale tuple when a primary is stale', () => {
    let description = createTopologyDescription({ seeds: ['a', 'b'], setName: 'rs' });
    const hello = (electionId: number) => ({
      ok: 1, setName: 'rs', isWritablePrimary: true, hosts: ['a:27017', 'b:27017'], setVersion: 1,
      electionId: new ObjectId(electionId.toString(16).padStart(24, '0')), maxWireVersion: 21,
    });
    description = updateTopology(description, serverDescriptionFromHello('a', hello(2)));
    description = updateTopology(description, serverDescriptionFromHello('b', hello(1)));
    expect(description.servers.get('b:27017')?.error?.message).toMatch(
      /electionId\/setVersion mismatch, \{electionId: 0+1, setVersion: 1\} is stale compared to \{electionId: 0+2, setVersion: 1\}/,
    );
  });

  it('rejects invalid initial configurations with the reason', () => {
    expect(() => createTopologyDescription({ seeds: ['a', 'b'], directConnection: true })).toThrow(MongoInvalidArgumentError);
    expect(() => createTopologyDescription({ seeds: [] })).toThrow(/at least one seed/);
    expect(() => createTopologyDescription({ seeds: ['a'], loadBalanced: true, setName: 'rs' })).toThrow(/loadBalanced/);
  });
});
