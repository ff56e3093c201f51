import { describe, expect, it } from 'vitest';
import { MongoNetworkError, MongoServerSelectionError } from '../../src/errors.js';
import { makeServerDescription } from '../../src/sdam/server-description.js';
import { makeTopologyDescription } from '../../src/sdam/topology-description.js';
import { describeSelectionFailure, serverSelectionError } from '../../src/selection/selection-failure.js';

const topology = makeTopologyDescription({
  type: 'ReplicaSetNoPrimary',
  setName: 'rs',
  servers: new Map([
    ['a:27017', makeServerDescription('a:27017', { type: 'RSSecondary', setName: 'rs', roundTripTime: 4.25, maxWireVersion: 21 })],
    ['b:27017', makeServerDescription('b:27017', { error: new MongoNetworkError('connect ECONNREFUSED 10.0.0.2:27017') })],
  ]),
});

describe('describeSelectionFailure', () => {
  it('lists every server with its type, RTT and last error', () => {
    const text = describeSelectionFailure(topology, { mode: 'secondary', tagSets: [{ dc: 'ny' }], maxStalenessSeconds: 120 });
    expect(text).toContain("No server is suitable for a read with read preference secondary, tag sets [{\"dc\":\"ny\"}], maxStalenessSeconds 120 in a ReplicaSetNoPrimary topology (replica set 'rs')");
    expect(text).toContain("a:27017: RSSecondary, RTT 4.3 ms, set 'rs'");
    expect(text).toContain('b:27017: Unknown, RTT n/a, last error: connect ECONNREFUSED 10.0.0.2:27017');
  });

  it('says when the topology is empty or incompatible', () => {
    const empty = makeTopologyDescription({ type: 'Unknown', servers: new Map() });
    expect(describeSelectionFailure(empty, undefined, 'write')).toMatch(/for a write .*\nThe topology has no servers\./s);
    const old = makeTopologyDescription({ type: 'Single', servers: new Map([['a:27017', makeServerDescription('a', { type: 'Standalone', maxWireVersion: 2 })]]) });
    expect(describeSelectionFailure(old)).toContain('reports wire version 2');
  });

  it('builds a MongoServerSelectionError carrying the diagnosis', () => {
    const error = serverSelectionError(topology, { mode: 'primary' });
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    expect(error.message).toContain('b:27017: Unknown');
  });
});
