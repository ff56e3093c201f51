import { describe, expect, it } from 'vitest';
import { ObjectId } from '../../src/bson.js';
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoWriteConcernError } from '../../src/errors.js';
import { applicationErrorFrom, handleApplicationError, type ApplicationError } from '../../src/sdam/application-error.js';
import { loadBalancerServerDescription, serverDescriptionFromHello } from '../../src/sdam/server-description.js';
import { createTopologyDescription } from '../../src/sdam/topology-description.js';
import { updateTopology } from '../../src/sdam/update-topology.js';

const primaryHello = { ok: 1, setName: 'rs', isWritablePrimary: true, hosts: ['a:27017'], maxWireVersion: 21 };
const withPrimary = updateTopology(createTopologyDescription({ seeds: ['a'], setName: 'rs' }), serverDescriptionFromHello('a', primaryHello));

function commandError(code: number, maxWireVersion = 21): ApplicationError {
  return { address: 'a:27017', kind: 'command', completedHandshake: true, generation: 0, maxWireVersion, code, error: new MongoServerError({ ok: 0, code, errmsg: 'e' }) };
}

describe('handleApplicationError', () => {
  it('marks the server Unknown on a state change and asks for a check, clearing only on shutdown', () => {
    const notPrimary = handleApplicationError(withPrimary, 0, commandError(10107));
    expect(notPrimary.description.servers.get('a:27017')?.type).toBe('Unknown');
    expect(notPrimary.description.type).toBe('ReplicaSetNoPrimary');
    expect([notPrimary.clearPool, notPrimary.requestImmediateCheck]).toEqual([false, true]);
    expect(handleApplicationError(withPrimary, 0, commandError(91)).clearPool).toBe(true);
  });

  it('clears the pool on any state change from a pre-4.2 server', () => {
    expect(handleApplicationError(withPrimary, 0, commandError(10107, 7)).clearPool).toBe(true);
  });

  it('ignores errors from an older pool generation', () => {
    const result = handleApplicationError(withPrimary, 1, commandError(91));
    expect(result.outcome).toBe('ignored-stale-generation');
    expect(result.description).toBe(withPrimary);
  });

  it('ignores timeouts on established connections but not during authentication', () => {
    const timeout: ApplicationError = { address: 'a:27017', kind: 'timeout', completedHandshake: true, generation: 0, maxWireVersion: 21, error: new MongoNetworkTimeoutError('t') };
    expect(handleApplicationError(withPrimary, 0, timeout).outcome).toBe('ignored');
    const auth = handleApplicationError(withPrimary, 0, { ...timeout, completedHandshake: false, duringAuthentication: true });
    expect([auth.description.servers.get('a:27017')?.type, auth.clearPool]).toEqual(['Unknown', true]);
  });

  it('ignores network errors labelled SystemOverloadedError', () => {
    const error: ApplicationError = { address: 'a:27017', kind: 'network', completedHandshake: true, generation: 0, maxWireVersion: 21, labels: ['SystemOverloadedError'], error: new MongoNetworkError('n') };
    expect(handleApplicationError(withPrimary, 0, error).outcome).toBe('ignored');
  });

  it('never marks a load balancer Unknown, only clears its pool', () => {
    const lb = updateTopology(createTopologyDescription({ seeds: ['lb'], loadBalanced: true }), loadBalancerServerDescription('lb'));
    const result = handleApplicationError(lb, 0, { address: 'lb:27017', kind: 'network', completedHandshake: true, generation: 0, maxWireVersion: 21, error: new MongoNetworkError('n') });
    expect(result.description.servers.get('lb:27017')?.type).toBe('LoadBalancer');
    expect(result.clearPool).toBe(true);
  });
});

describe('applicationErrorFrom', () => {
  const context = { address: 'a:27017', generation: 3, maxWireVersion: 21, completedHandshake: true };

  it('classifies network errors, honouring beforeHandshake', () => {
    expect(applicationErrorFrom(new MongoNetworkTimeoutError('t'), context)?.kind).toBe('timeout');
    const before = applicationErrorFrom(new MongoNetworkError('n', { beforeHandshake: true }), context);
    expect([before?.kind, before?.completedHandshake]).toEqual(['network', false]);
  });

  it('takes the topologyVersion of a write concern error from the whole reply', () => {
    const processId = new ObjectId();
    const error = new MongoWriteConcernError({ code: 91, errmsg: 'shutdown' }, { ok: 1, topologyVersion: { processId, counter: 4 } });
    const described = applicationErrorFrom(error, context);
    expect(described?.code).toBe(91);
    expect(described?.topologyVersion?.counter).toBe(4n);
  });

  it('returns null for errors SDAM does not react to', () => {
    expect(applicationErrorFrom(new Error('plain'), context)).toBeNull();
  });
});
